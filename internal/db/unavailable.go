package db

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"

	"github.com/lib/pq"
)

// IsUnavailable reports whether err says the database could not be reached or went away
// (connection refused or dropped, the server shutting down, starting up or out of
// connection slots) rather than that a query failed. Such a failure is temporary and not
// the request's fault: the web layer answers 503, so clients and load balancers retry.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case "57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
			"53300": // too_many_connections
			return true
		}
		return pqErr.Code.Class() == "08" // connection_exception
	}
	// The portal's requests make no network calls but to the database (mail is sent by a
	// job), so a network error in a request is the database's.
	var netErr *net.OpError
	return errors.As(err, &netErr)
}
