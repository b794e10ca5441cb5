package db_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/council/provider-portal/internal/db"
	"github.com/lib/pq"
)

func TestIsUnavailable(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused, wrapped", fmt.Errorf("begin transaction: %w", refused), true},
		{"bad connection inside a transaction", fmt.Errorf("lock organisation: %w", driver.ErrBadConn), true},
		{"connection already closed", sql.ErrConnDone, true},
		{"server shutting down", &pq.Error{Code: "57P01"}, true},
		{"server starting up", &pq.Error{Code: "57P03"}, true},
		{"too many connections", &pq.Error{Code: "53300"}, true},
		{"connection exception class", &pq.Error{Code: "08006"}, true},
		{"unique violation", &pq.Error{Code: db.CodeUniqueViolation}, false},
		{"serialization failure", &pq.Error{Code: db.CodeSerializationFailed}, false},
		{"no rows", sql.ErrNoRows, false},
		{"deadline", context.DeadlineExceeded, false},
		{"plain error", errors.New("boom"), false},
	}
	for _, tc := range tests {
		if got := db.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
