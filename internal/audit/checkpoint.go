package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// A Checkpoint is the head of the audit chain at a moment, sealed with PORTAL_AUDIT_KEY.
// Seals on each event stop a rebuilt chain passing; they cannot show that the newest events
// were deleted, since what is left still verifies. A checkpoint kept outside the database
// (the daily one is written to the log and emailed to the data protection officer) does:
// `portal audit verify --checkpoint '<line>'` fails when the event it names is gone or
// changed.
type Checkpoint struct {
	EventID   int64     `db:"event_id"`
	EventHash []byte    `db:"event_hash"`
	Events    int64     `db:"events"`
	MadeAt    time.Time `db:"made_at"`
	MAC       []byte    `db:"mac"`
}

const checkpointPrefix = "portal-audit-checkpoint v1"

// body is what the seal covers.
func (c Checkpoint) body() string {
	return fmt.Sprintf("%s event=%d events=%d at=%s hash=%x", checkpointPrefix, c.EventID, c.Events,
		c.MadeAt.UTC().Format(time.RFC3339Nano), c.EventHash)
}

// String is the checkpoint as one line, for the log and the email, and for ParseCheckpoint.
func (c Checkpoint) String() string { return c.body() + " seal=" + hex.EncodeToString(c.MAC) }

func (c Checkpoint) sealWith(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(c.body()))
	return m.Sum(nil)
}

// ParseCheckpoint reads a line String wrote.
func ParseCheckpoint(line string) (Checkpoint, error) {
	var c Checkpoint
	line = strings.TrimSpace(line)
	rest, ok := strings.CutPrefix(line, checkpointPrefix+" ")
	if !ok {
		return c, errors.New("not an audit checkpoint: it must start " + checkpointPrefix)
	}
	fields := map[string]string{}
	for _, f := range strings.Fields(rest) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return c, fmt.Errorf("audit checkpoint: %q is not name=value", f)
		}
		fields[k] = v
	}
	var err error
	if c.EventID, err = strconv.ParseInt(fields["event"], 10, 64); err != nil {
		return c, errors.New("audit checkpoint: event is not a number")
	}
	if c.Events, err = strconv.ParseInt(fields["events"], 10, 64); err != nil {
		return c, errors.New("audit checkpoint: events is not a number")
	}
	if c.MadeAt, err = time.Parse(time.RFC3339Nano, fields["at"]); err != nil {
		return c, errors.New("audit checkpoint: at is not a time")
	}
	if c.EventHash, err = hex.DecodeString(fields["hash"]); err != nil || len(c.EventHash) != sha256.Size {
		return c, errors.New("audit checkpoint: hash is not a SHA-256 in hex")
	}
	if c.MAC, err = hex.DecodeString(fields["seal"]); err != nil || len(c.MAC) != sha256.Size {
		return c, errors.New("audit checkpoint: seal is not an HMAC-SHA-256 in hex")
	}
	return c, nil
}

// MakeCheckpoint seals the head of the chain now and keeps it in audit_checkpoints. The
// caller also puts String() somewhere the database's users cannot reach.
func MakeCheckpoint(ctx context.Context, d *sqlx.DB) (*Checkpoint, error) {
	key := currentKey()
	if key == nil {
		return nil, apperr.New(apperr.Invalid, "PORTAL_AUDIT_KEY is not set, so the audit trail cannot be checkpointed")
	}
	var c Checkpoint
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		// The same lock the chain's trigger takes: the head cannot move while it is read.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7243001)`); err != nil {
			return fmt.Errorf("lock audit chain: %w", err)
		}
		err := tx.GetContext(ctx, &c, `SELECT id AS event_id, hash AS event_hash, (SELECT count(*) FROM audit_events) AS events,
			clock_timestamp() AS made_at, ''::bytea AS mac FROM audit_events ORDER BY id DESC LIMIT 1`)
		if db.IsNoRows(err) {
			return apperr.New(apperr.NotFound, "The audit trail is empty")
		}
		if err != nil {
			return fmt.Errorf("audit chain head: %w", err)
		}
		c.MadeAt = c.MadeAt.UTC().Truncate(time.Microsecond)
		c.MAC = c.sealWith(key)
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (event_id, event_hash, events, made_at, mac) VALUES ($1, $2, $3, $4, $5)`,
			c.EventID, c.EventHash, c.Events, c.MadeAt, c.MAC); err != nil {
			return fmt.Errorf("store audit checkpoint: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// CheckpointProblem is a checkpoint the trail no longer agrees with.
type CheckpointProblem struct {
	Checkpoint Checkpoint
	Reason     string
}

// VerifyCheckpoints checks the checkpoints kept in the database and those given (copies kept
// outside it): each must carry a valid seal, and the event it names must still be there with
// the same hash, unless it has expired under the retention schedule (it is before the
// anchor). It returns how many it checked and what failed.
func VerifyCheckpoints(ctx context.Context, d *sqlx.DB, given []Checkpoint) (int, []CheckpointProblem, error) {
	key := currentKey()
	if key == nil {
		return 0, nil, apperr.New(apperr.Invalid, "PORTAL_AUDIT_KEY is not set, so checkpoints cannot be checked")
	}
	var stored []Checkpoint
	if err := sqlx.SelectContext(ctx, d, &stored, `SELECT event_id, event_hash, events, made_at, mac FROM audit_checkpoints ORDER BY id`); err != nil {
		return 0, nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	expiredUpTo := int64(0)
	if a, err := LatestAnchor(ctx, d); err == nil {
		expiredUpTo = a.LastRemovedID
	} else if !apperr.Is(err, apperr.NotFound) {
		return 0, nil, err
	}
	var problems []CheckpointProblem
	all := append(stored, given...)
	for _, c := range all {
		if !hmac.Equal(c.MAC, c.sealWith(key)) {
			problems = append(problems, CheckpointProblem{c, "its seal does not match: it was not made with this PORTAL_AUDIT_KEY, or it was altered"})
			continue
		}
		if c.EventID <= expiredUpTo {
			continue // expired under the retention schedule since
		}
		var hash []byte
		err := sqlx.GetContext(ctx, d, &hash, `SELECT hash FROM audit_events WHERE id = $1`, c.EventID)
		switch {
		case db.IsNoRows(err):
			problems = append(problems, CheckpointProblem{c, fmt.Sprintf("event %d, the head of the trail when the checkpoint was made, is gone: events were removed", c.EventID)})
		case err != nil:
			return 0, nil, fmt.Errorf("checkpoint event: %w", err)
		case !hmac.Equal(hash, c.EventHash):
			problems = append(problems, CheckpointProblem{c, fmt.Sprintf("event %d no longer has the hash it had: the trail was altered and rebuilt", c.EventID)})
		}
	}
	return len(all), problems, nil
}
