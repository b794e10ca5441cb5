package db

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// statementsPerConnection is how many prepared statements each database connection keeps.
// A page runs a few dozen distinct statements and the portal has a few hundred in all, so
// the ones that pages run on every view stay prepared; each costs the server some memory
// for its plan, bounded by this times the pool's connections.
const statementsPerConnection = 256

// cachingConnector opens lib/pq connections that prepare each parameterised statement once
// and run it again by name, as pgx does by default. lib/pq on its own parses and plans the
// statement afresh on every call (an unnamed statement, in two round trips); make bench
// found planning was most of the database's time on the provider page (about 25 short
// reads). A named statement is bound and run in one round trip, and after a few runs
// PostgreSQL keeps a generic plan for it when that costs no more than planning each time
// (plan_cache_mode auto).
type cachingConnector struct {
	pq *pq.Connector
}

func (c cachingConnector) Driver() driver.Driver { return c.pq.Driver() }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.pq.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := cn.(pqConn)
	if !ok {
		_ = cn.Close()
		return nil, fmt.Errorf("database driver: lib/pq connection %T lacks the interfaces the statement cache relies on", cn)
	}
	return &cachingConn{pqConn: inner, byQuery: map[string]*list.Element{}, lru: list.New()}, nil
}

// pqConn is what lib/pq's connection provides and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// cachingConn is one connection with its prepared statements, least recently used first
// to go. database/sql uses a connection from one goroutine at a time, so it needs no lock.
type cachingConn struct {
	pqConn
	byQuery map[string]*list.Element
	lru     *list.List // of *cachedStatement, most recently used at the front
	inTx    bool
}

type cachedStatement struct {
	query string
	stmt  interface {
		driver.Stmt
		driver.StmtQueryContext
		driver.StmtExecContext
	}
}

// statement returns the connection's prepared statement for query, preparing it (and
// closing the least recently used beyond the limit) the first time.
func (c *cachingConn) statement(ctx context.Context, query string) (*cachedStatement, error) {
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStatement), nil
	}
	st, err := c.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	runnable, ok := st.(interface {
		driver.Stmt
		driver.StmtQueryContext
		driver.StmtExecContext
	})
	if !ok { // a COPY, which is not cached
		_ = st.Close()
		return nil, driver.ErrSkip
	}
	cs := &cachedStatement{query: query, stmt: runnable}
	c.byQuery[query] = c.lru.PushFront(cs)
	for c.lru.Len() > statementsPerConnection {
		c.drop(c.lru.Back().Value.(*cachedStatement))
	}
	return cs, nil
}

// drop forgets a statement and closes it on the server.
func (c *cachingConn) drop(cs *cachedStatement) {
	if e, ok := c.byQuery[cs.query]; ok {
		c.lru.Remove(e)
		delete(c.byQuery, cs.query)
	}
	_ = cs.stmt.Close()
}

// QueryContext runs a parameterised query through its prepared statement; one without
// parameters goes as a simple query, in one round trip already.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return throughStatement(c, ctx, query, args, c.pqConn.QueryContext, func(cs *cachedStatement) (driver.Rows, error) {
		return cs.stmt.QueryContext(ctx, args)
	})
}

// ExecContext runs a parameterised statement through its prepared statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return throughStatement(c, ctx, query, args, c.pqConn.ExecContext, func(cs *cachedStatement) (driver.Result, error) {
		return cs.stmt.ExecContext(ctx, args)
	})
}

// throughStatement runs query by its prepared statement (run), or directly (direct) when it
// has no parameters, runs inside a transaction, or cannot be prepared (a COPY). Inside a
// transaction a prepared statement gone stale (another instance's migration changed what it
// returns) would fail the whole transaction, which cannot be retried from here; the reads
// that pages repeat run outside one. A stale statement outside is prepared again, once.
func throughStatement[T any](c *cachingConn, ctx context.Context, query string, args []driver.NamedValue,
	direct func(context.Context, string, []driver.NamedValue) (T, error), run func(*cachedStatement) (T, error)) (T, error) {
	if len(args) == 0 || c.inTx {
		return direct(ctx, query, args)
	}
	for attempt := 0; ; attempt++ {
		cs, err := c.statement(ctx, query)
		if errors.Is(err, driver.ErrSkip) {
			return direct(ctx, query, args)
		}
		if err != nil {
			var zero T
			return zero, err
		}
		out, err := run(cs)
		if c.retry(cs, err, attempt) {
			continue
		}
		return out, err
	}
}

// retry drops a statement the server can no longer run as prepared (a migration changed
// the columns it returns, or the server forgot it) and says whether to prepare it again and
// retry: once.
func (c *cachingConn) retry(cs *cachedStatement, err error, attempt int) bool {
	if !staleStatement(err) {
		return false
	}
	c.drop(cs)
	return attempt == 0
}

// staleStatement reports the errors that mean a prepared statement must be prepared again:
// "cached plan must not change result type" (feature_not_supported) and an unknown
// prepared statement (invalid_sql_statement_name).
func staleStatement(err error) bool {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return false
	}
	return pqErr.Code == "26000" || (pqErr.Code == "0A000" && pqErr.Message == "cached plan must not change result type")
}

// BeginTx notes the transaction, whose statements then run unprepared until it ends.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.pqConn.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	c.inTx = true
	return cachingTx{Tx: tx, conn: c}, nil
}

// Begin is the pre-context form database/sql no longer calls while BeginTx exists.
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

type cachingTx struct {
	driver.Tx
	conn *cachingConn
}

func (t cachingTx) Commit() error {
	t.conn.inTx = false
	return t.Tx.Commit()
}

func (t cachingTx) Rollback() error {
	t.conn.inTx = false
	return t.Tx.Rollback()
}
