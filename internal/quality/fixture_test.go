package quality_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/jmoiron/sqlx"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// today is the fixed day every test judges dates on: a Sunday in spring.
var today = time.Date(2026, time.March, 15, 0, 0, 0, 0, time.UTC)

// day is today moved by n days.
func day(n int) time.Time { return today.AddDate(0, 0, n) }

func dateInput(t time.Time) form.DateInput { return form.DateInputOf(&t) }

// insurance is three current policies expiring in a year, with cover of £6m.
func insurance() *provider.InsuranceAnswers {
	a := &provider.InsuranceAnswers{ELExempt: "no"}
	for i, k := range provider.PolicyKinds {
		a.Policies = append(a.Policies, provider.Policy{Kind: k.Value, Insurer: "Mutual Assurance", PolicyNumber: fmt.Sprintf("POL-%d", i+1),
			CoverPence: 600_000_000, Start: dateInput(day(-100)), Expiry: dateInput(day(365))})
	}
	return a
}

// expiring sets the expiry of one policy kind.
func expiring(a *provider.InsuranceAnswers, kind string, expiry time.Time) *provider.InsuranceAnswers {
	for i := range a.Policies {
		if a.Policies[i].Kind == kind {
			a.Policies[i].Expiry = dateInput(expiry)
		}
	}
	return a
}

// staff is a member of staff in a regulated role, last checked on the given day.
func staff(name string, lastCheck time.Time) provider.StaffMember {
	return provider.StaffMember{Name: name, Role: "Residential care worker", Level: "enhanced_barred", CertificateLast4: "1234",
		IssueDate: dateInput(lastCheck.AddDate(-2, 0, 0)), UpdateService: "yes", LastCheckDate: dateInput(lastCheck),
		LastCheckResult: "current", Ref: "ref-" + strings.ToLower(strings.ReplaceAll(name, " ", "-"))}
}

// world is a fresh database with a provider organisation and an officer.
type world struct {
	DB      *sqlx.DB
	URL     string
	OrgID   string
	Officer string
	Ctx     context.Context // acting as the officer
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{URL: dbtest.URL(t)}
	w.DB = w.pool(t)
	w.OrgID = w.organisation(t, "Acorn Fostering Ltd")
	w.Officer = w.user(t, "olive@council.example", "officer", "")
	w.Ctx = audit.WithActor(context.Background(), audit.Actor{UserID: w.Officer, Email: "olive@council.example", Roles: []string{"officer"}})
	return w
}

// pool opens another connection pool on the world's database, like another instance of the portal.
func (w *world) pool(t *testing.T) *sqlx.DB {
	t.Helper()
	d, err := db.Open(context.Background(), w.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func (w *world) organisation(t *testing.T, name string) string {
	t.Helper()
	var id string
	if err := w.DB.Get(&id, `INSERT INTO organisations (name, status) VALUES ($1, 'approved') RETURNING id`, name); err != nil {
		t.Fatal(err)
	}
	return id
}

// user makes a user with one role, a member of orgID when given.
func (w *world) user(t *testing.T, email, role, orgID string) string {
	t.Helper()
	var id string
	if err := w.DB.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', ARRAY[$3])
		RETURNING id`, email, "Test "+email[:strings.Index(email, "@")], role); err != nil {
		t.Fatal(err)
	}
	if orgID != "" {
		if _, err := w.DB.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, id, orgID); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// approve stores answers as a section's approved copy (and working copy).
func (w *world) approve(t *testing.T, orgID string, key provider.SectionKey, answers provider.Answers) {
	t.Helper()
	js, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
		VALUES ($1, $2, $3, $3, true) ON CONFLICT (organisation_id, section) DO UPDATE SET data = $3, approved_data = $3`,
		orgID, string(key), js); err != nil {
		t.Fatal(err)
	}
}

// setting stores one setting's value.
func (w *world) setting(t *testing.T, name, value string) {
	t.Helper()
	if _, err := w.DB.Exec(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = $2`, name, value); err != nil {
		t.Fatal(err)
	}
}

// service is the quality service on the world's database, with today fixed.
func (w *world) service() *quality.Service {
	return &quality.Service{DB: w.DB, Now: func() time.Time { return today.Add(12 * time.Hour) }}
}

// visit records a visit to orgID on visited, by the world's officer.
func (w *world) visit(t *testing.T, orgID string, visited time.Time) string {
	t.Helper()
	id, err := w.service().RecordVisit(w.Ctx, orgID, quality.VisitInput{VisitedOn: dateInput(visited), Type: "unannounced",
		Officers: []string{w.Officer}, Areas: []string{"safeguarding"}, Findings: "Records of missing-from-care episodes were incomplete.", Grade: "requires_improvement"})
	if err != nil {
		t.Fatalf("record visit: %v", err)
	}
	return id
}

// action adds an action to a visit, due on due.
func (w *world) action(t *testing.T, visitID string, due time.Time) string {
	t.Helper()
	id, err := w.service().AddAction(w.Ctx, visitID, quality.ActionInput{Description: "Complete the missing-from-care log",
		OwnerContact: quality.OwnerOther, OwnerName: "Registered manager", DueOn: dateInput(due)})
	if err != nil {
		t.Fatalf("add action: %v", err)
	}
	return id
}

// contract makes an active contract for orgID ending on end, managed by managerID (or none),
// with one monthly KPI. It returns the contract's and the KPI's ids.
func (w *world) contract(t *testing.T, orgID, ref string, end time.Time, managerID string) (string, string) {
	t.Helper()
	var manager any
	if managerID != "" {
		manager = managerID
	}
	var id, kpi string
	if err := w.DB.Get(&id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, start_date, end_date,
		total_value_pence, annual_value_pence, manager_id, status) VALUES ($1, 'Residential placements', $2, 'childrens_homes', 'spot', $3, $4,
		100000000, 50000000, $5, 'active') RETURNING id`, ref, orgID, end.AddDate(-2, 0, 0), end, manager); err != nil {
		t.Fatal(err)
	}
	if err := w.DB.Get(&kpi, `INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency)
		VALUES ($1, 'Placement stability', '%', 90, 'higher', 80, 70, 'monthly') RETURNING id`, id); err != nil {
		t.Fatal(err)
	}
	return id, kpi
}

// monitoringReturn adds a return for a KPI due on due, still due (not made) unless made.
func (w *world) monitoringReturn(t *testing.T, kpiID string, due time.Time, made bool) {
	t.Helper()
	status, value, at := "due", any(nil), any(nil)
	if made {
		status, value, at = "submitted", 91, due
	}
	if _, err := w.DB.Exec(`INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, kpiID, due.AddDate(0, -1, -15), due.AddDate(0, 0, -15), due, status, value, at); err != nil {
		t.Fatal(err)
	}
}

// reasonsOf are a result's reasons from one rule.
func reasonsOf(res quality.Result, rule string) []quality.Reason {
	var out []quality.Reason
	for _, r := range res.Reasons {
		if r.Rule == rule {
			out = append(out, r)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
