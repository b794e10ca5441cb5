package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// sealKey is PORTAL_AUDIT_KEY, set once at start (UseKey). It is process-wide because every
// package records audit events through the package functions below; it is read atomically,
// and the wiring sets it before anything is recorded.
var sealKey atomic.Pointer[[]byte]

// KeySize is the length of PORTAL_AUDIT_KEY in bytes.
const KeySize = 32

// UseKey sets the key events are sealed with. Without one (a development database) events
// are recorded unsealed and verification says so.
func UseKey(key []byte) {
	if len(key) == 0 {
		sealKey.Store(nil)
		return
	}
	k := append([]byte(nil), key...)
	sealKey.Store(&k)
}

func currentKey() []byte {
	if k := sealKey.Load(); k != nil {
		return *k
	}
	return nil
}

// sealOf is an event's seal: an HMAC of its hash, which covers its content and, through the
// previous hash, everything before it.
func sealOf(key, hash []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("portal audit seal v1\x00"))
	m.Write(hash)
	return m.Sum(nil)
}

// seal writes the seals of events just recorded (their ids and hashes, from RETURNING), in
// the same transaction. It is the one update the append-only trigger allows.
func seal(ctx context.Context, q sqlx.ExecerContext, ids []int64, hashes [][]byte) error {
	key := currentKey()
	if key == nil || len(ids) == 0 {
		return nil
	}
	macs := make([][]byte, len(hashes))
	for i, h := range hashes {
		macs[i] = sealOf(key, h)
	}
	if _, err := q.ExecContext(ctx, `UPDATE audit_events e SET mac = s.mac
		FROM unnest($1::bigint[], $2::bytea[]) AS s(id, mac) WHERE e.id = s.id AND e.mac IS NULL`,
		pq.Int64Array(ids), pq.ByteaArray(macs)); err != nil {
		return fmt.Errorf("seal audit events: %w", err)
	}
	return nil
}

// SealCopied seals the events a bulk copy just wrote in the caller's transaction (the seeder
// copies its synthetic history with COPY, for speed, rather than through Record): every
// unsealed event after afterID. Only harnesses that write events themselves call it; the
// portal's own events are sealed as they are recorded.
func SealCopied(ctx context.Context, tx *sqlx.Tx, afterID int64) error {
	if currentKey() == nil {
		return nil
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Hash []byte `db:"hash"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, hash FROM audit_events WHERE id > $1 AND mac IS NULL ORDER BY id`, afterID); err != nil {
		return fmt.Errorf("copied audit events: %w", err)
	}
	ids, hashes := make([]int64, len(rows)), make([][]byte, len(rows))
	for i, r := range rows {
		ids[i], hashes[i] = r.ID, r.Hash
	}
	return seal(ctx, tx, ids, hashes)
}
