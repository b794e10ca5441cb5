package quality_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/jobs"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/jmoiron/sqlx"
)

// reminderWorld is a provider with two policies and a DBS check coming due, a second officer,
// and two active contracts ending: one with a manager, one without.
type reminderWorld struct {
	*world
	contractWithManager, contractWithout string
}

func newReminderWorld(t *testing.T) *reminderWorld {
	t.Helper()
	w := &reminderWorld{world: newWorld(t)}
	w.user(t, "pat@acorn.example", "provider", w.OrgID)
	w.user(t, "owen@council.example", "officer", "")
	w.approve(t, w.OrgID, provider.SectionContacts, &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director",
		KeyContactEmail: "kim@acorn.example", KeyContactPhone: "07700 900123"})
	ins := expiring(insurance(), provider.PolicyPublicLiability, day(30)) // the 30-day reminder
	expiring(ins, provider.PolicyProfessionalIndemnity, day(45))          // the 60-day reminder
	w.approve(t, w.OrgID, provider.SectionInsurance, ins)                 // employer's liability: a year away
	due := staff("Sam Carer", day(7).AddDate(-1, 0, 0))                   // status check due in 7 days
	left := staff("Jo Leaver", day(7).AddDate(-1, 0, 0))                  // would be due, but has left
	left.LeftOn = dateInput(day(-10))
	w.approve(t, w.OrgID, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{
		due, left, staff("Alex Keyworker", day(-20))}})
	w.contractWithManager, _ = w.contract(t, w.OrgID, "CT-MANAGED", day(60), w.Officer)
	w.contractWithout, _ = w.contract(t, w.OrgID, "CT-ORPHAN", day(20), "")
	// A rejected provider's expiring insurance is not reminded.
	rejected := w.organisation(t, "Rejected Ltd")
	if _, err := w.DB.Exec(`UPDATE organisations SET status = 'rejected' WHERE id = $1`, rejected); err != nil {
		t.Fatal(err)
	}
	w.user(t, "rita@rejected.example", "provider", rejected)
	w.approve(t, rejected, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(7)))
	return w
}

// outbox lists the mail queued as "to|kind", sorted.
func outbox(t *testing.T, d *sqlx.DB) []string {
	t.Helper()
	var rows []string
	if err := d.Select(&rows, `SELECT to_address::text || '|' || kind FROM outbox ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	return rows
}

// wantFirstDay is the mail the first day's reminders queue.
var wantFirstDay = []string{
	"kim@acorn.example|reminder_dbs_check",
	"kim@acorn.example|reminder_insurance_expiry",
	"kim@acorn.example|reminder_insurance_expiry",
	"olive@council.example|reminder_contract_end", // the manager of CT-MANAGED, and an officer told of CT-ORPHAN
	"olive@council.example|reminder_contract_end",
	"owen@council.example|reminder_contract_end", // CT-ORPHAN has no manager: every officer
	"pat@acorn.example|reminder_dbs_check",
	"pat@acorn.example|reminder_insurance_expiry",
	"pat@acorn.example|reminder_insurance_expiry",
}

func serviceOn(d *sqlx.DB, at time.Time) *quality.Service {
	return &quality.Service{DB: d, Now: func() time.Time { return at.Add(9 * time.Hour) }}
}

// TestRemindersSentOnce sends each reminder once, however often the job runs, records each in
// the provider's history, and sends the next threshold's reminder when it comes.
func TestRemindersSentOnce(t *testing.T) {
	t.Parallel()
	w := newReminderWorld(t)
	ctx := audit.WithActor(context.Background(), audit.System)

	n, err := serviceOn(w.DB, today).SendReminders(ctx, today)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("sent %d reminders, want 5 (two policies, one DBS check, two contracts)", n)
	}
	if got := outbox(t, w.DB); strings.Join(got, "\n") != strings.Join(wantFirstDay, "\n") {
		t.Errorf("outbox:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantFirstDay, "\n"))
	}
	var details []string
	if err := w.DB.Select(&details, `SELECT summary->>'detail' FROM audit_events WHERE action = 'quality.reminder.sent'
		AND object_type = 'organisation' AND object_id = $1 ORDER BY 1`, w.OrgID); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Reminder that a DBS status check is due on 22 March 2026 (7 days before)",
		"Reminder that contract CT-MANAGED ends on 14 May 2026 (60 days before), to its contract manager",
		"Reminder that contract CT-ORPHAN ends on 4 April 2026 (30 days before), to every officer: it has no contract manager",
		"Reminder that the professional indemnity insurance expires on 29 April 2026 (60 days before)",
		"Reminder that the public liability insurance expires on 14 April 2026 (30 days before)",
	}
	if strings.Join(details, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(details, "\n"), strings.Join(want, "\n"))
	}
	var body string
	if err := w.DB.Get(&body, `SELECT body FROM outbox WHERE kind = 'reminder_dbs_check' LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Sam Carer") || strings.Contains(body, "Jo Leaver") {
		t.Errorf("DBS reminder body: %s", body)
	}
	for _, d := range details {
		if strings.Contains(d, "Sam Carer") {
			t.Errorf("the history names a member of staff: %s", d)
		}
	}

	// Again the same day, and the next day (still within the same thresholds): nothing more.
	for _, at := range []time.Time{today, day(1)} {
		n, err := serviceOn(w.DB, at).SendReminders(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 || len(outbox(t, w.DB)) != len(wantFirstDay) {
			t.Errorf("on %s: sent %d more, outbox has %d", at.Format(time.DateOnly), n, len(outbox(t, w.DB)))
		}
	}

	// 23 days on, public liability reaches 7 days and professional indemnity 30.
	n, err = serviceOn(w.DB, day(23)).SendReminders(ctx, day(23))
	if err != nil {
		t.Fatal(err)
	}
	var thresholds []string
	if err := w.DB.Select(&thresholds, `SELECT split_part(object_id, '/', 2) || '@' || threshold_days FROM reminders_sent
		WHERE kind = 'insurance_expiry' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	wantThresholds := "professional_indemnity@30 professional_indemnity@60 public_liability@30 public_liability@7"
	if n != 2 || strings.Join(thresholds, " ") != wantThresholds {
		t.Errorf("day 23: sent %d; insurance reminders %v, want %s", n, thresholds, wantThresholds)
	}

	// A renewed policy (new expiry) is not reminded until its own time comes.
	w.approve(t, w.OrgID, provider.SectionInsurance, expiring(insurance(), provider.PolicyPublicLiability, day(400)))
	if n, err := serviceOn(w.DB, day(24)).SendReminders(ctx, day(24)); err != nil || n != 0 {
		t.Errorf("after renewal: sent %d (%v)", n, err)
	}
}

// TestRemindersOnTwoSchedulers runs the daily job from two portal instances at once (two
// pools on one database): the scheduler's advisory lock lets one run it; run again when due,
// it sends nothing more; and even two runs that bypass the lock and overlap send each
// reminder once, because reminders_sent guards every one.
func TestRemindersOnTwoSchedulers(t *testing.T) {
	t.Parallel()
	w := newReminderWorld(t)
	pools := []*sqlx.DB{w.DB, w.pool(t)}
	ctx := audit.WithActor(context.Background(), audit.System)

	runBoth := func(run func(d *sqlx.DB) (int, error)) []int {
		var wg sync.WaitGroup
		got := make([]int, len(pools))
		errs := make([]error, len(pools))
		for i, d := range pools {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = run(d)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		return got
	}
	job := func(d *sqlx.DB) jobs.Job {
		return jobs.Job{Name: "quality-daily", Interval: 24 * time.Hour, Run: serviceOn(d, today).Daily}
	}
	ranCount := func(d *sqlx.DB) (int, error) {
		ran, err := jobs.RunIfDue(ctx, d, job(d))
		if ran {
			return 1, err
		}
		return 0, err
	}
	if ran := runBoth(ranCount); ran[0]+ran[1] != 1 {
		t.Fatalf("the job ran %v times on the two instances, want once", ran)
	}
	if got := outbox(t, w.DB); len(got) != len(wantFirstDay) {
		t.Fatalf("outbox after the first run: %v", got)
	}
	if count(t, w.DB, `SELECT count(*) FROM provider_compliance`) != 2 {
		t.Errorf("the daily job did not rate every provider")
	}

	// Due again (a day later by the job's clock), both instances try; one runs, and sends nothing new.
	if _, err := w.DB.Exec(`UPDATE job_runs SET last_started_at = now() - interval '25 hours' WHERE name = 'quality-daily'`); err != nil {
		t.Fatal(err)
	}
	if ran := runBoth(ranCount); ran[0]+ran[1] != 1 {
		t.Fatalf("the due job ran %v times, want once", ran)
	}
	if got := outbox(t, w.DB); len(got) != len(wantFirstDay) {
		t.Errorf("outbox after the second run: %d messages, want %d", len(got), len(wantFirstDay))
	}

	// Without the lock, two overlapping runs on a new threshold day still send each reminder once.
	sent := runBoth(func(d *sqlx.DB) (int, error) { return serviceOn(d, day(23)).SendReminders(ctx, day(23)) })
	if sent[0]+sent[1] != 2 {
		t.Errorf("overlapping runs sent %v, want 2 in all", sent)
	}
	got := outbox(t, w.DB)
	sort.Strings(got)
	if len(got) != len(wantFirstDay)+4 { // two insurance reminders, each to two addresses
		t.Errorf("outbox after overlapping runs: %d messages, want %d", len(got), len(wantFirstDay)+4)
	}
	if n := count(t, w.DB, `SELECT count(*) FROM reminders_sent`); n != 7 {
		t.Errorf("%d reminders recorded, want 7", n)
	}
}

func count(t *testing.T, d *sqlx.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestRemindersFollowTheSettings: with reminders set for 14 days before only, just the DBS
// check due in 7 days is reminded, at the 14-day threshold.
func TestRemindersFollowTheSettings(t *testing.T) {
	t.Parallel()
	w := newReminderWorld(t)
	w.setting(t, quality.SettingReminderDays, "14")
	n, err := serviceOn(w.DB, today).SendReminders(audit.WithActor(context.Background(), audit.System), today)
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	if err := w.DB.Select(&sent, `SELECT kind || '@' || threshold_days FROM reminders_sent ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if n != 1 || strings.Join(sent, " ") != "dbs_check@14" {
		t.Errorf("sent %d: %v, want the DBS check at 14 days", n, sent)
	}
}
