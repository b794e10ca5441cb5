package provider_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/work"
)

// TestWaitingWorkListsRecordsAndHeldChanges: registrations submitted or resubmitted and
// changes held for review are an officer's work, oldest first; drafts and decided records
// are not; a change someone made is not their own work to approve.
func TestWaitingWorkListsRecordsAndHeldChanges(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var editor string
	if err := d.Get(&editor, `INSERT INTO users (email, name, password_hash, roles) VALUES ('pat@acorn.example', 'Pat', 'x', '{provider}') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	submitted := newOrg(t, d, "Alder Care", provider.StatusSubmitted)
	resubmitted := newOrg(t, d, "Birch Homes", provider.StatusResubmitted)
	approved := newOrg(t, d, "Cedar Fostering", provider.StatusApproved)
	newOrg(t, d, "Draft Ltd", provider.StatusDraft)
	for i, id := range []string{resubmitted, submitted} {
		if _, err := d.Exec(`UPDATE organisations SET submitted_at = $2 WHERE id = $1`, id, base.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed, pending_review, updated_at, updated_by)
		VALUES ($1, 'contacts', '{}', '{}', true, true, $2, $3), ($1, 'vat', '{}', '{}', true, false, $2, $3)`, approved, base.Add(30*time.Minute), editor); err != nil {
		t.Fatal(err)
	}
	kinds := func(f work.Filter) []string {
		t.Helper()
		items, err := provider.WaitingWork(ctx, d, f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := provider.CountWaitingWork(ctx, d, f)
		if err != nil || n != len(items) {
			t.Errorf("count %d, %v; listed %d", n, err, len(items))
		}
		var out []string
		for _, it := range items {
			out = append(out, string(it.Kind)+" "+it.OrganisationName+" "+it.Title)
		}
		return out
	}
	want := []string{"resubmission Birch Homes Birch Homes", "section_change Cedar Fostering Contacts", "submission Alder Care Alder Care"}
	if got := kinds(work.Filter{}); !slices.Equal(got, want) {
		t.Errorf("waiting work = %q, want %q", got, want)
	}
	if got := kinds(work.Filter{UserID: editor}); len(got) != 2 || slices.Contains(got, want[1]) {
		t.Errorf("the person who made the change has %q", got)
	}
	if got := kinds(work.Filter{Mine: true, Organisations: []string{approved}}); !slices.Equal(got, want[1:2]) {
		t.Errorf("for Cedar's manager: %q", got)
	}
	if got := kinds(work.Filter{After: base.Add(45 * time.Minute)}); !slices.Equal(got, want[2:]) {
		t.Errorf("arrived after 9:45: %q", got)
	}
	if items, _ := provider.WaitingWork(ctx, d, work.Filter{Limit: 1}); len(items) != 1 {
		t.Errorf("a limit of 1 listed %d", len(items))
	}
}
