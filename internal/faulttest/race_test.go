//go:build race

package faulttest

// raceEnabled makes the portal binary built with the race detector when the tests are,
// so a data race in the server fails the test that provoked it.
const raceEnabled = true
