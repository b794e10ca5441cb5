// Package faulttest runs the real portal binary against a real PostgreSQL server and
// breaks things on purpose: the database restarted while requests flow, the portal killed
// with SIGKILL inside a submission, two instances sharing one database, concurrent edits
// and double submissions. The tests are black-box: they talk HTTP to `portal serve`
// subprocesses and read the database directly to check what was committed.
//
// The binary is built once per test run (with -race when the tests are), and each test
// gets a private PostgreSQL cluster (dbtest.NewCluster) it may stop and start.
package faulttest
