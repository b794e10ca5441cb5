package workqueue_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/work"
	"github.com/council/provider-portal/internal/workqueue"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// base is a Wednesday morning, council time: past the digest hour, so a person first seen
// now has their first digest on Thursday.
var base = time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t  *testing.T
	db *sqlx.DB
}

func (f fixture) id(query string, args ...any) string {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, query, args...); err != nil {
		f.t.Fatalf("%s: %v", strings.Fields(query)[2], err)
	}
	return id
}

func (f fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f fixture) user(email string, roles ...string) *auth.User {
	f.t.Helper()
	id := f.id(`INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', $3) RETURNING id`,
		email, "Test "+email[:strings.Index(email, "@")], "{"+strings.Join(roles, ",")+"}")
	u, err := auth.UserByID(context.Background(), f.db, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f fixture) org(name, status string, submitted *time.Time) string {
	return f.id(`INSERT INTO organisations (name, status, submitted_at) VALUES ($1, $2, $3) RETURNING id`, name, status, submitted)
}

func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

// people and work: one item of every kind, at minute 1, 2, 3..., so "oldest first" is the
// order of the minutes.
type world struct {
	officer, other, finance, finance2, dpo, admin, admin2, both, provider *auth.User
	managed, unmanaged                                                    string
	ids                                                                   map[string]string
}

func build(t *testing.T, d *sqlx.DB) world {
	f := fixture{t, d}
	w := world{ids: map[string]string{}}
	w.officer = f.user("officer@council.test", "officer")
	w.other = f.user("other@council.test", "officer")
	w.finance = f.user("finance@council.test", "finance")
	w.finance2 = f.user("finance2@council.test", "finance")
	w.dpo = f.user("dpo@council.test", "dpo")
	w.admin = f.user("admin@council.test", "admin")
	w.admin2 = f.user("admin2@council.test", "admin")
	w.both = f.user("both@council.test", "officer", "dpo")
	w.provider = f.user("provider@supplier.test", "provider")

	w.ids["submission"] = f.org("Submitted Homes", "submitted", ptr(at(1)))
	w.ids["resubmission"] = f.org("Resubmitted Care", "resubmitted", ptr(at(2)))
	w.managed = f.org("Managed Fostering", "approved", ptr(at(-100)))
	w.unmanaged = f.org("Unmanaged Support", "approved", ptr(at(-100)))
	f.exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed, pending_review, updated_at, updated_by)
		VALUES ($1, 'contacts', '{}', '{}', true, true, $2, $3)`, w.managed, at(3), w.provider.ID)
	w.ids["section_change"] = w.managed + "/contacts"

	contractID := f.id(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ('CT-1', 'Placements', $1, 'childrens_homes', 'spot', '2025-01-01', '2027-01-01',
		100, 50, $2, 'active') RETURNING id`, w.managed, w.officer.ID)
	kpi := f.id(`INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency)
		VALUES ($1, 'Placement stability', '%', 90, 'higher', 80, 70, 'monthly') RETURNING id`, contractID)
	ret := func(start, status string, when time.Time, by string) string {
		return f.id(`INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at, submitted_by, updated_at)
			VALUES ($1, $2::date, ($2::date + interval '1 month' - interval '1 day')::date, ($2::date + interval '2 months')::date, $3, 85, $4, $5, $4) RETURNING id`,
			kpi, start, status, when, by)
	}
	w.ids["return"] = ret("2026-01-01", "submitted", at(4), w.provider.ID)
	w.ids["return_answer"] = ret("2025-12-01", "answered", at(5), w.provider.ID)
	w.ids["own_return"] = ret("2025-11-01", "submitted", at(6), w.officer.ID) // keyed in by the officer: not theirs to review
	ret("2025-10-01", "queried", at(6), w.provider.ID)                        // the provider's to answer: not an officer's work

	visit := f.id(`INSERT INTO qa_visits (organisation_id, visited_on, announced, areas, findings, grade) VALUES ($1, '2026-01-10', true, '{safeguarding}', 'Fine', 'good') RETURNING id`, w.unmanaged)
	action := func(status string, when time.Time) string {
		return f.id(`INSERT INTO qa_actions (visit_id, organisation_id, description, owner_name, due_on, status, updated_at)
			VALUES ($1, $2, 'Update the fire risk assessment', 'Manager', '2026-04-01', $3, $4) RETURNING id`, visit, w.unmanaged, status, when)
	}
	w.ids["qa_action"] = action("completed", at(7))
	action("in_progress", at(7)) // the provider is still working on it

	change := func(org, status string, when time.Time, verifiedBy any) string {
		return f.id(`INSERT INTO bank_detail_changes (organisation_id, kind, account_name, sort_code_sealed, account_number_sealed, sort_code_last2, account_last4,
			remittance_email, requested_by, requested_by_name, requested_at, status, verified_by, verified_at, expires_at)
			VALUES ($1, 'initial', 'Managed Fostering Ltd', 'x', 'x', '12', '4958', 'pay@supplier.test', $2, 'Pat Provider', $3, $4, $5,
				CASE WHEN $4 = 'verified' THEN $3::timestamptz END, now() + interval '30 days') RETURNING id`, org, w.provider.ID, when, status, verifiedBy)
	}
	w.ids["bank_verification"] = change(w.managed, "pending_verification", at(8), nil)
	w.ids["bank_approval"] = change(w.unmanaged, "verified", at(9), w.finance.ID)

	w.ids["correction"] = f.id(`INSERT INTO rectification_requests (requested_by, requester_name, requester_email, organisation_id, location, what_is_wrong, should_say, created_at)
		VALUES ($1, 'Pat Provider', 'provider@supplier.test', $2, 'Your supplier record', 'Old address', 'New address', $3) RETURNING id`, w.provider.ID, w.unmanaged, at(10))
	w.ids["subject_access"] = f.id(`INSERT INTO sar_requests (requester_name, identity_method, received_on, due_on, registered_by, created_at)
		VALUES ('Sam Subject', 'known_email', '2026-03-11', '2026-04-11', $1, $2) RETURNING id`, w.dpo.ID, at(11))
	w.ids["role_grant"] = f.id(`INSERT INTO role_grants (user_id, kind, add_roles, requested_by, requested_by_name, requested_at)
		VALUES ($1, 'roles', '{finance}', $2, 'Test admin', $3) RETURNING id`, w.other.ID, w.admin.ID, at(12))
	return w
}

func ptr[T any](v T) *T { return &v }

// keys names the listed items as kind:id, in order.
func keys(items []work.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, string(it.Kind)+":"+it.ID)
	}
	return out
}

func (w world) want(kinds ...string) []string {
	var out []string
	for _, k := range kinds {
		kind := k
		if k == "own_return" {
			kind = "return"
		}
		out = append(out, kind+":"+w.ids[k])
	}
	return out
}

func list(t *testing.T, d *sqlx.DB, u *auth.User, q workqueue.Query) ([]string, int) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 25
	}
	items, total, err := workqueue.List(context.Background(), d, u, q)
	if err != nil {
		t.Fatal(err)
	}
	n, err := workqueue.Count(context.Background(), d, u)
	if err != nil {
		t.Fatal(err)
	}
	if !q.Mine && q.After.IsZero() && n != total {
		t.Errorf("%s: Count = %d, List's total = %d", u.Email, n, total)
	}
	return keys(items), total
}

func TestEachRoleSeesItsWorkOldestFirst(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	cases := []struct {
		name string
		who  *auth.User
		want []string
	}{
		// The officer's own keyed-in return is not theirs to review; another officer's is.
		{"officer", w.officer, w.want("submission", "resubmission", "section_change", "return", "return_answer", "qa_action", "correction")},
		{"other officer", w.other, w.want("submission", "resubmission", "section_change", "return", "return_answer", "own_return", "qa_action", "correction")},
		// Finance: the one who verified a change does not approve it.
		{"verifying finance officer", w.finance, w.want("bank_verification")},
		{"second finance officer", w.finance2, w.want("bank_verification", "bank_approval")},
		{"dpo", w.dpo, w.want("correction", "subject_access")},
		// The administrator who asked for the roles does not approve them.
		{"requesting admin", w.admin, nil},
		{"second admin", w.admin2, w.want("role_grant")},
		// Someone holding both roles sees a correction request once.
		{"officer and dpo", w.both, w.want("submission", "resubmission", "section_change", "return", "return_answer", "own_return", "qa_action", "correction", "subject_access")},
		{"provider", w.provider, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, total := list(t, d, c.who, workqueue.Query{})
			if !slices.Equal(got, c.want) {
				t.Errorf("work =\n%v\nwant\n%v", got, c.want)
			}
			if total != len(c.want) {
				t.Errorf("total = %d, want %d", total, len(c.want))
			}
		})
	}
}

func TestMineKeepsTheProvidersWhoseContractsIManage(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	got, total := list(t, d, w.officer, workqueue.Query{Mine: true})
	if want := w.want("section_change", "return", "return_answer"); !slices.Equal(got, want) || total != len(want) {
		t.Errorf("officer's own work = %v (total %d), want %v", got, total, want)
	}
	// A correction request the officer has taken on is theirs, whoever manages the provider.
	fixture{t, d}.exec(`UPDATE rectification_requests SET status = 'in_progress', handled_by = $2 WHERE id = $1`, w.ids["correction"], w.officer.ID)
	got, _ = list(t, d, w.officer, workqueue.Query{Mine: true})
	if want := w.want("section_change", "return", "return_answer", "correction"); !slices.Equal(got, want) {
		t.Errorf("with a correction in hand the officer's own work = %v, want %v", got, want)
	}
	if got, total := list(t, d, w.other, workqueue.Query{Mine: true}); len(got) != 0 || total != 0 {
		t.Errorf("an officer managing no contracts has %v (total %d) as their own", got, total)
	}
	// The data protection officer's own subject access requests are the ones they registered.
	if got, _ := list(t, d, w.dpo, workqueue.Query{Mine: true}); !slices.Equal(got, w.want("subject_access")) {
		t.Errorf("dpo's own work = %v", got)
	}
}

func TestPagesAcrossSources(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	all := w.want("submission", "resubmission", "section_change", "return", "return_answer", "qa_action", "correction")
	for offset := 0; offset < len(all)+2; offset += 3 {
		got, total := list(t, d, w.officer, workqueue.Query{Limit: 3, Offset: offset})
		want := all[min(offset, len(all)):min(offset+3, len(all))]
		if !slices.Equal(got, want) || total != len(all) {
			t.Errorf("offset %d: %v (total %d), want %v (total %d)", offset, got, total, want, len(all))
		}
	}
	got, _ := list(t, d, w.officer, workqueue.Query{After: at(5)})
	if want := w.want("qa_action", "correction"); !slices.Equal(got, want) {
		t.Errorf("work after minute 5 = %v, want %v", got, want)
	}
}

func TestCounterKeepsACountBriefly(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	now := base
	c := &workqueue.Counter{TTL: 30 * time.Second, Now: func() time.Time { return now }}
	ctx := context.Background()
	if n, err := c.Count(ctx, d, w.finance2); err != nil || n != 2 {
		t.Fatalf("count = %d, %v; want 2", n, err)
	}
	fixture{t, d}.exec(`UPDATE bank_detail_changes SET status = 'withdrawn' WHERE id = $1`, w.ids["bank_verification"])
	if n, _ := c.Count(ctx, d, w.finance2); n != 2 {
		t.Errorf("within the TTL the count is %d, want the kept 2", n)
	}
	now = now.Add(31 * time.Second)
	if n, _ := c.Count(ctx, d, w.finance2); n != 1 {
		t.Errorf("after the TTL the count is %d, want 1", n)
	}
}

type outboxMail struct {
	To   string `db:"to_address"`
	Kind string `db:"kind"`
	Body string `db:"body"`
}

func mails(t *testing.T, d *sqlx.DB) []outboxMail {
	t.Helper()
	var out []outboxMail
	if err := d.Select(&out, `SELECT to_address, kind, body FROM outbox ORDER BY created_at, to_address`); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWorkEmailsAtOnceOrDaily(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	ctx := context.Background()
	now := at(30)
	svc := &workqueue.Service{DB: d, BaseURL: &url.URL{Scheme: "https", Host: "portal.test"}, Now: func() time.Time { return now }, DigestHour: 7}

	// First sight: everyone starts from now, and nobody is mailed the backlog.
	if n, err := svc.Notify(ctx); err != nil || n != 0 {
		t.Fatalf("first run sent %d, %v; want 0", n, err)
	}
	if err := svc.SetPreference(ctx, w.officer.ID, workqueue.Preference{Frequency: workqueue.Immediate}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetPreference(ctx, w.dpo.ID, workqueue.Preference{Frequency: workqueue.Never}); err != nil {
		t.Fatal(err)
	}
	// Another officer wants mail at once, but only about their own providers: they manage none.
	if err := svc.SetPreference(ctx, w.other.ID, workqueue.Preference{Frequency: workqueue.Immediate, MineOnly: true}); err != nil {
		t.Fatal(err)
	}
	if f, _ := workqueue.PreferenceOf(ctx, d, w.officer.ID); f.Frequency != workqueue.Immediate || f.MineOnly {
		t.Errorf("officer's preference = %+v", f)
	}
	if f, _ := workqueue.PreferenceOf(ctx, d, w.provider.ID); f.Frequency != workqueue.DefaultFrequency {
		t.Errorf("default preference = %+v", f)
	}
	if err := svc.SetPreference(ctx, w.officer.ID, workqueue.Preference{Frequency: "hourly"}); err == nil {
		t.Error("an unknown frequency was saved")
	}

	// New work arrives: a correction request about a provider.
	fixture{t, d}.exec(`INSERT INTO rectification_requests (requester_name, requester_email, organisation_id, location, what_is_wrong, should_say, created_at)
		VALUES ('Pat Provider', 'provider@supplier.test', $1, 'Contracts page', 'Wrong date', 'Right date', $2)`, w.unmanaged, at(31))
	now = at(35)
	if n, err := svc.Notify(ctx); err != nil || n != 1 {
		t.Fatalf("second run sent %d, %v; want 1 (the officer's immediate mail)", n, err)
	}
	got := mails(t, d)
	if len(got) != 1 || got[0].To != w.officer.Email || got[0].Kind != "work_immediate" {
		t.Fatalf("mails = %+v", got)
	}
	for _, want := range []string{"1 new piece of work", "Correction request: COR-", "(Unmanaged Support)", "https://portal.test/rectification-requests/", "8 items are waiting for you in all", "https://portal.test/work"} {
		if !strings.Contains(got[0].Body, want) {
			t.Errorf("the mail does not say %q:\n%s", want, got[0].Body)
		}
	}
	// Nothing new: nothing sent, however often it runs.
	now = at(40)
	if n, _ := svc.Notify(ctx); n != 0 {
		t.Errorf("a run with nothing new sent %d", n)
	}

	// Thursday after seven: the digest goes to those taking it who have work waiting, and
	// not to those who chose immediate mail or none.
	now = time.Date(2026, 3, 12, 7, 5, 0, 0, time.UTC)
	if _, err := svc.Notify(ctx); err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, m := range mails(t, d)[1:] {
		if m.Kind != "work_digest" {
			t.Errorf("unexpected %s mail to %s", m.Kind, m.To)
		}
		digests = append(digests, m.To)
	}
	slices.Sort(digests)
	want := []string{w.admin2.Email, w.both.Email, w.finance.Email, w.finance2.Email}
	slices.Sort(want)
	if !slices.Equal(digests, want) {
		t.Errorf("digests went to %v, want %v", digests, want)
	}
	// Once a day.
	now = now.Add(time.Hour)
	if n, _ := svc.Notify(ctx); n != 0 {
		t.Errorf("a second run the same day sent %d", n)
	}
}

// TestAssessmentsDueAreOfficersWork: a contract's performance assessment is an officer's
// work from 30 days before its due date, overdue after it, and only the manager's in "mine".
func TestAssessmentsDueAreOfficersWork(t *testing.T) {
	d := dbtest.New(t)
	w := build(t, d)
	f := fixture{t, d}
	contract := func(ref, org string, dueInDays int) string {
		return f.id(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
			total_value_pence, annual_value_pence, manager_id, status, assessment_due_on) VALUES ($1, 'Placements', $2, 'childrens_homes', 'spot',
			'2024-01-01', '2030-01-01', 100, 50, $3, 'active', (now() AT TIME ZONE 'Europe/London')::date + $4::int) RETURNING id`,
			ref, org, w.officer.ID, dueInDays)
	}
	overdue := contract("CT-OVERDUE", w.managed, -1)
	today := contract("CT-TODAY", w.unmanaged, 0)
	edge := contract("CT-EDGE", w.managed, 30)
	contract("CT-LATER", w.managed, 31)
	f.exec(`UPDATE contracts SET manager_id = NULL WHERE id = $1`, today)
	assessments := func(u *auth.User, q workqueue.Query) []string {
		t.Helper()
		got, _ := list(t, d, u, q)
		var out []string
		for _, k := range got {
			if strings.HasPrefix(k, "assessment") {
				out = append(out, k)
			}
		}
		return out
	}
	want := []string{"assessment_overdue:" + overdue, "assessment_due:" + today, "assessment_due:" + edge}
	if got := assessments(w.officer, workqueue.Query{}); !slices.Equal(got, want) {
		t.Errorf("officer's assessments = %v, want %v", got, want)
	}
	if got := assessments(w.officer, workqueue.Query{Mine: true}); !slices.Equal(got, []string{want[0], want[2]}) {
		t.Errorf("the manager's own = %v", got)
	}
	if got := assessments(w.finance, workqueue.Query{}); got != nil {
		t.Errorf("finance sees %v", got)
	}
	items, _, err := workqueue.List(context.Background(), d, w.officer, workqueue.Query{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.ID == overdue && (it.Due == nil || it.Href != "/contracts/"+overdue+"/assessments/new" || it.Title != "CT-OVERDUE: Placements") {
			t.Errorf("item %+v", it)
		}
	}
}
