package subject_test

import (
	"context"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/jmoiron/sqlx"
)

var dpo = subject.Staff{Name: "Dee Protection"}

func ctxFor() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Email: "dee@council.example", Roles: []string{"dpo"}})
}

func register(t *testing.T, d *sqlx.DB, reg subject.Registration) *subject.Request {
	t.Helper()
	r, err := subject.Register(ctxFor(), d, reg, dpo)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return r
}

// TestSARRegistrationValidation: each field's message, and normalised contact details.
func TestSARRegistrationValidation(t *testing.T) {
	today := day("2026-05-10")
	valid := func() subject.Registration {
		return subject.Registration{Name: " Pat   Smith ", Email: "pat@acorn.example", Phone: "+44 7700 900123",
			IdentityMethod: "photo_id", ReceivedOn: day("2026-05-01")}
	}
	tests := []struct {
		name  string
		edit  func(*subject.Registration)
		field string
	}{
		{"no name", func(r *subject.Registration) { r.Name = "  " }, "requester_name"},
		{"bad email", func(r *subject.Registration) { r.Email = "pat at acorn" }, "requester_email"},
		{"bad phone", func(r *subject.Registration) { r.Phone = "12345" }, "requester_phone"},
		{"unknown identity method", func(r *subject.Registration) { r.IdentityMethod = "guessed" }, "identity_method"},
		{"no date", func(r *subject.Registration) { r.ReceivedOn = time.Time{} }, "received_on"},
		{"future date", func(r *subject.Registration) { r.ReceivedOn = day("2026-05-11") }, "received_on"},
	}
	for _, tt := range tests {
		r := valid()
		tt.edit(&r)
		errs := r.Validate(today)
		if len(errs) != 1 || errs[tt.field] == "" {
			t.Errorf("%s: errors %v, want one for %s", tt.name, errs, tt.field)
		}
	}
	r := valid()
	if errs := r.Validate(today); len(errs) != 0 {
		t.Fatalf("valid registration: %v", errs)
	}
	if r.Name != "Pat Smith" || r.Phone != "07700900123" {
		t.Errorf("normalised to %q, %q", r.Name, r.Phone)
	}
}

// TestSARExtensionLimits: up to two further months in all, each with a reason; the due
// date counts from receipt; nothing changes on a closed request or from a stale page.
func TestSARExtensionLimits(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := ctxFor()
	r := register(t, d, subject.Registration{Name: "Pat Smith", IdentityMethod: "known_email", ReceivedOn: day("2026-01-31")})
	if got := r.DueOn.Format(time.DateOnly); got != "2026-02-28" {
		t.Fatalf("due %s, want 2026-02-28", got)
	}
	fields := func(err error) map[string]string { return apperr.FieldsOf(err) }

	if _, err := subject.Extend(ctx, d, r.ID, 1, "   ", r.Version, dpo); fields(err)["extend_reason"] == "" {
		t.Errorf("extension without a reason: %v", err)
	}
	if _, err := subject.Extend(ctx, d, r.ID, 3, "Many records", r.Version, dpo); fields(err)["extend_months"] == "" {
		t.Errorf("three months: %v", err)
	}
	r1, err := subject.Extend(ctx, d, r.ID, 1, "Records across several providers", r.Version, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if r1.DueOn.Format(time.DateOnly) != "2026-03-31" || r1.ExtensionMonths != 1 {
		t.Errorf("after one month: due %s, %d months", r1.DueOn.Format(time.DateOnly), r1.ExtensionMonths)
	}
	if _, err := subject.Extend(ctx, d, r.ID, 1, "Stale page", r.Version, dpo); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("extension from a stale page: %v, want a conflict", err)
	}
	if _, err := subject.Extend(ctx, d, r.ID, 2, "Too far", r1.Version, dpo); fields(err)["extend_months"] == "" {
		t.Errorf("two more months after one: %v, want a message for extend_months", err)
	}
	r2, err := subject.Extend(ctx, d, r.ID, 1, "Still more records", r1.Version, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if r2.DueOn.Format(time.DateOnly) != "2026-04-30" || r2.ExtensionLeft() != 0 {
		t.Errorf("after two months: due %s, %d left", r2.DueOn.Format(time.DateOnly), r2.ExtensionLeft())
	}
	if _, err := subject.Extend(ctx, d, r.ID, 1, "Once more", r2.Version, dpo); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a third month: %v, want a conflict", err)
	}
	ext, err := subject.Extensions(ctx, d, r.ID)
	if err != nil || len(ext) != 2 || ext[0].Reason != "Records across several providers" ||
		ext[1].DueBefore.Format(time.DateOnly) != "2026-03-31" || ext[1].DueAfter.Format(time.DateOnly) != "2026-04-30" {
		t.Errorf("extensions recorded: %+v, %v", ext, err)
	}

	// Closing: a refusal needs its reason; a date before receipt is refused.
	if _, err := subject.Close(ctx, d, r.ID, subject.Closing{Outcome: "refused", ClosedOn: day("2026-02-10")}, r2.Version, dpo); fields(err)["close_notes"] == "" {
		t.Errorf("refusal without notes: %v", err)
	}
	if _, err := subject.Close(ctx, d, r.ID, subject.Closing{Outcome: "disclosed", ClosedOn: day("2026-01-30")}, r2.Version, dpo); fields(err)["closed_on"] == "" {
		t.Errorf("closed before receipt: %v", err)
	}
	closed, err := subject.Close(ctx, d, r.ID, subject.Closing{Outcome: "disclosed", ClosedOn: day("2026-04-01")}, r2.Version, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Open() || closed.OutcomeLabel() != "Information disclosed in full" || closed.ClosedByName != dpo.Name {
		t.Errorf("closed: %+v", closed)
	}
	if _, err := subject.Extend(ctx, d, r.ID, 1, "After closing", closed.Version, dpo); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("extending a closed request: %v, want a conflict", err)
	}
	var events []string
	if err := d.Select(&events, `SELECT action FROM audit_events WHERE object_id = $1 ORDER BY id`, r.ID); err != nil {
		t.Fatal(err)
	}
	want := []string{"sar.registered", "sar.extended", "sar.extended", "sar.closed"}
	if len(events) != len(want) {
		t.Fatalf("audited %v, want %v", events, want)
	}
	for i := range want {
		if events[i] != want[i] {
			t.Errorf("audited %v, want %v", events, want)
		}
	}
}

// TestSARListOrder: open requests by due date first, then closed ones.
func TestSARListOrder(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	today, err := subject.Today(ctxFor(), d)
	if err != nil {
		t.Fatal(err)
	}
	later := register(t, d, subject.Registration{Name: "Later", IdentityMethod: "photo_id", ReceivedOn: today})
	sooner := register(t, d, subject.Registration{Name: "Sooner", IdentityMethod: "photo_id", ReceivedOn: today.AddDate(0, 0, -20)})
	done := register(t, d, subject.Registration{Name: "Done", IdentityMethod: "photo_id", ReceivedOn: today.AddDate(0, 0, -40)})
	if _, err := subject.Close(ctxFor(), d, done.ID, subject.Closing{Outcome: "nothing_held", ClosedOn: today}, done.Version, dpo); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		state string
		want  []string
	}{{"", []string{sooner.ID, later.ID, done.ID}}, {"open", []string{sooner.ID, later.ID}}, {"closed", []string{done.ID}}} {
		list, total, err := subject.List(ctxFor(), d, tt.state, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range list {
			got = append(got, r.ID)
		}
		if total != len(tt.want) || len(got) != len(tt.want) {
			t.Fatalf("state %q: %d of %d, want %d", tt.state, len(got), total, len(tt.want))
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("state %q: order %v, want %v", tt.state, got, tt.want)
				break
			}
		}
	}
	if left := sooner.DaysLeft(today); left <= 0 || left > 12 {
		t.Errorf("received 20 days ago: %d days left", left)
	}
	overdue := register(t, d, subject.Registration{Name: "Overdue", IdentityMethod: "photo_id", ReceivedOn: today.AddDate(0, -2, 0)})
	if overdue.DaysLeft(today) >= 0 {
		t.Errorf("received two months ago: %d days left, want overdue", overdue.DaysLeft(today))
	}
}
