// Package db opens the PostgreSQL pool, applies the embedded migrations and provides the
// one way into a transaction, so every state change and its audit event commit together.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Open connects to PostgreSQL and checks the connection. The pool limits suit a small
// server (2 cores); they are set here once rather than left to the driver's unbounded default.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	connector, err := pq.NewConnector(url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	d := sqlx.NewDb(sql.OpenDB(cachingConnector{pq: connector}), "postgres")
	d.SetMaxOpenConns(20)
	// As many idle as open: under a burst of requests, closing connections only to open
	// them again a moment later costs a PostgreSQL backend start each time (make bench
	// measured about ten a second at 32 clients with half as many idle).
	d.SetMaxIdleConns(20)
	d.SetConnMaxIdleTime(5 * time.Minute)
	d.SetConnMaxLifetime(30 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.PingContext(pingCtx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return d, nil
}

// Transact runs fn in a transaction and commits when fn returns nil; any error or panic
// rolls it back, so a failed request leaves nothing half-written.
func Transact(ctx context.Context, d *sqlx.DB, fn func(tx *sqlx.Tx) error) (err error) {
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// PostgreSQL error codes the portal reacts to.
const (
	CodeUniqueViolation     = "23505"
	CodeForeignKeyViolation = "23503"
	CodeCheckViolation      = "23514"
	CodeSerializationFailed = "40001"
)

// IsCode reports whether err is a PostgreSQL error with the given SQLSTATE code.
func IsCode(err error, code string) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && string(pqErr.Code) == code
}

// IsNoRows reports whether err says a query matched no row.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
