package audit_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
)

// asSuperuser runs statements the way someone who controls the database could: with the
// append-only triggers switched off.
func asSuperuser(t *testing.T, d *sqlx.DB, stmts ...string) {
	t.Helper()
	tx := d.MustBegin()
	defer tx.Rollback()
	for _, s := range append(append([]string{`ALTER TABLE audit_events DISABLE TRIGGER USER`}, stmts...), `ALTER TABLE audit_events ENABLE TRIGGER USER`) {
		if _, err := tx.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }

// rebuildChainFrom recomputes every hash from event id on, as a forger would after
// rewriting a row, so the unkeyed chain verifies again.
func rebuildChainFrom(id int64) string {
	return `DO $$
DECLARE r record; prev bytea;
BEGIN
    SELECT hash INTO prev FROM audit_events WHERE id < ` + idText(id) + ` ORDER BY id DESC LIMIT 1;
    FOR r IN SELECT * FROM audit_events WHERE id >= ` + idText(id) + ` ORDER BY id LOOP
        UPDATE audit_events e SET prev_hash = prev,
            hash = digest(coalesce(prev, ''::bytea) || audit_payload(e), 'sha256') WHERE e.id = r.id
            RETURNING e.hash INTO prev;
    END LOOP;
END $$`
}

// TestRebuiltChainIsFound: someone who controls the database rewrites an event and
// recomputes every later hash; the hashes verify, but the seals (made with a key the
// database never holds) do not. Stripping the seals is found too.
func TestRebuiltChainIsFound(t *testing.T) {
	t.Parallel()
	for _, strip := range []bool{false, true} {
		d := dbtest.New(t)
		trail := record(t, d, 6)
		if res := verify(t, d); !res.OK() || res.Sealed != 6 || !res.SealsChecked {
			t.Fatalf("before tampering: %+v", res)
		}
		target := trail[2].ID
		stmts := []string{`UPDATE audit_events SET summary = '{"n": 99}' WHERE id = ` + idText(target), rebuildChainFrom(target)}
		if strip {
			stmts = append(stmts, `UPDATE audit_events SET mac = NULL WHERE id >= `+idText(target))
		}
		asSuperuser(t, d, stmts...)
		// The unkeyed chain alone now passes: that is the attack.
		var broken int
		if err := d.Get(&broken, `SELECT count(*) FROM audit_events e WHERE hash <> digest(coalesce(prev_hash, ''::bytea) || audit_payload(e), 'sha256')`); err != nil || broken != 0 {
			t.Fatalf("the forger's rebuild is wrong: %d, %v", broken, err)
		}
		res := verify(t, d)
		if res.OK() || res.BrokenAt != target || !strings.Contains(res.Reason, "seal") {
			t.Errorf("strip seals %v: verify %+v, want broken at %d by its seal", strip, res, target)
		}
	}
}

// TestDeletedTailIsFoundByACheckpointKeptOutside: deleting the newest events (and the
// checkpoints kept in the database) leaves a chain that verifies; a checkpoint line kept
// outside the database finds it. A forged checkpoint is refused.
func TestDeletedTailIsFoundByACheckpointKeptOutside(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	record(t, d, 4)
	c, err := audit.MakeCheckpoint(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	line := c.String()
	kept, err := audit.ParseCheckpoint(line)
	if err != nil {
		t.Fatal(err)
	}
	if n, problems, err := audit.VerifyCheckpoints(ctx, d, []audit.Checkpoint{kept}); err != nil || n != 2 || len(problems) != 0 {
		t.Fatalf("before tampering: %d checked, %v, %v", n, problems, err)
	}
	record(t, d, 2)
	asSuperuser(t, d, `DELETE FROM audit_events WHERE id > (SELECT min(id) FROM audit_events) + 1`)
	if _, err := d.Exec(`DELETE FROM audit_checkpoints`); err != nil {
		t.Fatal(err)
	}
	if res := verify(t, d); !res.OK() {
		t.Fatalf("the shortened chain does not verify (%+v), so the test is not the attack", res)
	}
	if _, problems, err := audit.VerifyCheckpoints(ctx, d, nil); err != nil || len(problems) != 0 {
		t.Fatalf("with no copy kept outside: %v, %v", problems, err)
	}
	_, problems, err := audit.VerifyCheckpoints(ctx, d, []audit.Checkpoint{kept})
	if err != nil || len(problems) != 1 || !strings.Contains(problems[0].Reason, "gone") {
		t.Errorf("with the kept line: %v, %v; want the removed head found", problems, err)
	}

	forged := kept
	forged.EventID = 1
	if _, problems, _ := audit.VerifyCheckpoints(ctx, d, []audit.Checkpoint{forged}); len(problems) != 1 || !strings.Contains(problems[0].Reason, "seal") {
		t.Errorf("a forged checkpoint: %v", problems)
	}
	if _, err := audit.ParseCheckpoint("portal-audit-checkpoint v1 event=x"); err == nil {
		t.Error("a malformed line was read")
	}
}

// TestSealingIsTheOnlyChange: the append-only trigger lets the portal seal an event once,
// and nothing else: not a second seal, nor any other column with it.
func TestSealingIsTheOnlyChange(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	id := record(t, d, 1)[0].ID
	for _, stmt := range []string{
		`UPDATE audit_events SET mac = '\x00'::bytea WHERE id = $1`,
		`UPDATE audit_events SET mac = NULL WHERE id = $1`,
	} {
		if _, err := d.Exec(stmt, id); !db.IsCode(err, codeInsufficientPrivilege) {
			t.Errorf("%s on a sealed event: %v, want refused", stmt, err)
		}
	}
	asSuperuser(t, d, `UPDATE audit_events SET mac = NULL WHERE id = `+idText(id))
	if _, err := d.Exec(`UPDATE audit_events SET mac = '\x00'::bytea, action = 'other' WHERE id = $1`, id); !db.IsCode(err, codeInsufficientPrivilege) {
		t.Errorf("sealing and changing the action at once: %v, want refused", err)
	}
}
