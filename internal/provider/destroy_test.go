package provider_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

func newOrg(t *testing.T, d *sqlx.DB, name string, status provider.Status) string {
	t.Helper()
	var id string
	if err := d.Get(&id, `INSERT INTO organisations (name, status) VALUES ($1, $2) RETURNING id`, name, string(status)); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestDestroyRejectedOrganisationsTouchesNoOtherProvider: whatever ids the caller passes,
// only registrations turned down are locked and deleted, with their documents.
func TestDestroyRejectedOrganisationsTouchesNoOtherProvider(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	rejected := newOrg(t, d, "Alder Care Ltd", provider.StatusRejected)
	approved := newOrg(t, d, "Birch Care Ltd", provider.StatusApproved)
	submitted := newOrg(t, d, "Cedar Care Ltd", provider.StatusSubmitted)
	if _, err := d.Exec(`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content)
		VALUES ($1, 'insurance', 'cert.pdf', 'application/pdf', 3, '\x00', 'pdf')`, rejected); err != nil {
		t.Fatal(err)
	}
	all := []string{rejected, approved, submitted, "not-an-id"}

	tx := d.MustBeginTx(ctx, nil)
	locked, err := provider.LockRejectedOrganisations(ctx, tx, all)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(locked, []string{rejected}) {
		t.Errorf("locked %v, want only the rejected registration", locked)
	}
	n, err := provider.DestroyRejectedOrganisations(ctx, tx, all)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("destroyed %d organisations, want 1", n)
	}
	var left []string
	if err := d.Select(&left, `SELECT name FROM organisations ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{"Birch Care Ltd", "Cedar Care Ltd"}) {
		t.Errorf("organisations left %v", left)
	}
	var docs int
	if err := d.Get(&docs, `SELECT count(*) FROM documents`); err != nil || docs != 0 {
		t.Errorf("%d documents of the destroyed registration left (%v)", docs, err)
	}
}

// TestDestroyStaffRecordsFromBothCopies: the members named go from the working and the
// approved copy; others stay; a working copy left with nobody is no longer complete; the
// version moves on.
func TestDestroyStaffRecordsFromBothCopies(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	section := func(org, working, approved string) {
		t.Helper()
		if _, err := d.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
			VALUES ($1, 'safeguarding', $2, $3, true)`, org, working, approved); err != nil {
			t.Fatal(err)
		}
	}
	one := newOrg(t, d, "Dogwood Homes Ltd", provider.StatusApproved)
	two := newOrg(t, d, "Elm Homes Ltd", provider.StatusApproved)
	untouched := newOrg(t, d, "Fir Homes Ltd", provider.StatusApproved)
	section(one, `{"staff":[{"ref":"a","name":"Ann"},{"ref":"b","name":"Bob"}],"note":"kept"}`,
		`{"staff":[{"ref":"a","name":"Ann"},{"ref":"c","name":"Cat"}]}`)
	section(two, `{"staff":[{"ref":"e","name":"Eve"}]}`, `{"staff":[{"ref":"e","name":"Eve"}]}`)
	section(untouched, `{"staff":[{"ref":"a","name":"Same ref, other provider"}]}`, `{"staff":[{"ref":"a","name":"Same ref, other provider"}]}`)

	// The copy kept from the last decision (for the review page) holds Ann and Cat too, a
	// draft holds Ann, and the copy of the record as sent lists Ann and Bob.
	if _, err := d.Exec(`UPDATE provider_sections SET decided_data = approved_data,
		draft_data = '{"staff":[{"ref":"a","name":"Ann"}]}' WHERE organisation_id = $1`, one); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`INSERT INTO provider_status_history (organisation_id, from_status, to_status, reason, by_name, record)
		VALUES ($1, 'draft', 'submitted', '', 'Pat', $2)`, one,
		`[{"key":"contacts","title":"Contacts","rows":[{"key":"Key contact","value":"Kim","field":"k"}]},
		  {"key":"safeguarding","title":"Safeguarding","rows":[{"key":"Ann","value":"Manager","field":"staff-0-name"},
		   {"key":"Bob","value":"Worker","field":"staff-1-name"}],"staff_refs":["a","b"]}]`); err != nil {
		t.Fatal(err)
	}

	tx := d.MustBeginTx(ctx, nil)
	n, err := provider.DestroyStaffRecords(ctx, tx, map[string][]string{one: {"a", "c", "zz"}, two: {"e"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("removed %d members, want 3 (a and c of one, e of two)", n)
	}
	type row struct {
		Data      []byte `db:"data"`
		Approved  []byte `db:"approved_data"`
		Completed bool   `db:"completed"`
		Version   int    `db:"version"`
	}
	read := func(org string) (row, []string, []string) {
		t.Helper()
		var r row
		if err := d.Get(&r, `SELECT data, approved_data, completed, version FROM provider_sections WHERE organisation_id = $1`, org); err != nil {
			t.Fatal(err)
		}
		refs := func(b []byte) []string {
			var doc struct {
				Staff []struct {
					Ref string `json:"ref"`
				} `json:"staff"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, m := range doc.Staff {
				out = append(out, m.Ref)
			}
			return out
		}
		return r, refs(r.Data), refs(r.Approved)
	}
	r, working, approved := read(one)
	if !slices.Equal(working, []string{"b"}) || !slices.Equal(approved, []string{}) || !r.Completed || r.Version != 2 {
		t.Errorf("first provider: working %v, approved %v, completed %v, version %d", working, approved, r.Completed, r.Version)
	}
	var decided []byte
	if err := d.Get(&decided, `SELECT decided_data FROM provider_sections WHERE organisation_id = $1`, one); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(decided), "Ann") || strings.Contains(string(decided), "Cat") {
		t.Errorf("the answers kept from the last decision still hold the members removed: %s", decided)
	}
	var draft, sent []byte
	if err := d.Get(&draft, `SELECT draft_data FROM provider_sections WHERE organisation_id = $1`, one); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(draft), "Ann") {
		t.Errorf("the provider's draft still holds a member removed: %s", draft)
	}
	if err := d.Get(&sent, `SELECT record FROM provider_status_history WHERE organisation_id = $1`, one); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sent), "Ann") || !strings.Contains(string(sent), "Bob") || !strings.Contains(string(sent), "Kim") {
		t.Errorf("the copy of the record as sent should lose Ann and keep the rest: %s", sent)
	}
	var note struct {
		Note string `json:"note"`
	}
	if err := json.Unmarshal(r.Data, &note); err != nil || note.Note != "kept" {
		t.Errorf("the rest of the section was not kept: %s", r.Data)
	}
	if r, working, _ := read(two); len(working) != 0 || r.Completed {
		t.Errorf("second provider: working %v, completed %v; a copy left with nobody is not complete", working, r.Completed)
	}
	if r, working, approved := read(untouched); !slices.Equal(working, []string{"a"}) || !slices.Equal(approved, []string{"a"}) || r.Version != 1 {
		t.Errorf("another provider's member with the same ref was touched: %v %v, version %d", working, approved, r.Version)
	}
}
