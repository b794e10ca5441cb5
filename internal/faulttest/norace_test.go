//go:build !race

package faulttest

// raceEnabled: see race_test.go.
const raceEnabled = false
