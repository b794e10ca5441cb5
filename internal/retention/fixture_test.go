package retention_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/retention"
	"github.com/jmoiron/sqlx"
)

// fixture is a fresh database with a retention service.
type fixture struct {
	t    *testing.T
	db   *sqlx.DB
	svc  *retention.Service
	now  time.Time
	dpo  audit.Actor
	dpo2 audit.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	d := dbtest.New(t)
	f := &fixture{t: t, db: d, now: time.Now()}
	f.svc = &retention.Service{DB: d}
	id := f.user("dana.protection@council.example", "Dana Protection", "dpo")
	f.dpo = audit.Actor{UserID: id, Email: "dana.protection@council.example", Roles: []string{"dpo"}}
	return f
}

func (f *fixture) ctx() context.Context { return audit.WithActor(context.Background(), f.dpo) }

// secondCtx acts as a second data protection officer, for what takes two people.
func (f *fixture) secondCtx() context.Context {
	f.t.Helper()
	if f.dpo2.UserID == "" {
		id := f.user("sam.second@council.example", "Sam Second", "dpo")
		f.dpo2 = audit.Actor{UserID: id, Email: "sam.second@council.example", Roles: []string{"dpo"}}
	}
	return audit.WithActor(context.Background(), f.dpo2)
}

func (f *fixture) exec(query string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// ago is now less some months and days.
func (f *fixture) ago(months, days int) time.Time { return f.now.AddDate(0, -months, -days) }

func (f *fixture) user(email, name, role string) string {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, `INSERT INTO users (email, name, password_hash, roles) VALUES ($1, $2, 'x', ARRAY[$3]) RETURNING id`,
		email, name, role); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) member(userID, orgID string) {
	f.exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, userID, orgID)
}

// org makes an organisation in a status, decided at a time (nil for none).
func (f *fixture) org(name, status string, decided *time.Time) (id, ref string) {
	f.t.Helper()
	if err := f.db.QueryRow(`INSERT INTO organisations (name, legal_name, status, decided_at) VALUES ($1, $1, $2, $3) RETURNING id, supplier_ref`,
		name, status, decided).Scan(&id, &ref); err != nil {
		f.t.Fatal(err)
	}
	return id, ref
}

type staff struct {
	ref, name string
	left      *time.Time
}

func dateInput(t *time.Time) map[string]string {
	if t == nil {
		return map[string]string{"Day": "", "Month": "", "Year": ""}
	}
	return map[string]string{"Day": strconv.Itoa(t.Day()), "Month": strconv.Itoa(int(t.Month())), "Year": strconv.Itoa(t.Year())}
}

func safeguardingDoc(t *testing.T, members []staff) []byte {
	t.Helper()
	var list []map[string]any
	for _, m := range members {
		list = append(list, map[string]any{"name": m.name, "role": "Registered manager", "level": "enhanced",
			"certificate_sealed": "sealed-" + m.ref, "certificate_last4": "1234", "issue_date": map[string]string{"Day": "1", "Month": "2", "Year": "2020"},
			"update_service": "yes", "last_check_date": map[string]string{"Day": "1", "Month": "2", "Year": "2024"},
			"last_check_result": "current", "ref": m.ref, "left_on": dateInput(m.left)})
	}
	b, err := json.Marshal(map[string]any{"staff": list})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// safeguarding stores the section with the same staff in the working and approved copies.
func (f *fixture) safeguarding(orgID string, members ...staff) {
	doc := safeguardingDoc(f.t, members)
	f.exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, 'safeguarding', $2, $2, true)`,
		orgID, doc)
}

// staffRefs lists the staff refs of a copy ("data" or "approved_data") of an organisation's section.
func (f *fixture) staffRefs(orgID, column string) []string {
	f.t.Helper()
	var refs []string
	if err := f.db.Select(&refs, fmt.Sprintf(`SELECT m->>'ref' FROM provider_sections, jsonb_array_elements(%s->'staff') AS m
		WHERE organisation_id = $1 AND section = 'safeguarding' ORDER BY 1`, column), orgID); err != nil {
		f.t.Fatal(err)
	}
	return refs
}

// contract makes a contract of a year that ended on end.
func (f *fixture) contract(orgID, ref string, end time.Time) string {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route,
			start_date, end_date, total_value_pence, annual_value_pence, status)
		VALUES ($1, 'Placements', $2, 'childrens_homes', 'spot', $3::date - 365, $3, 100000, 100000, 'ended') RETURNING id`,
		ref, orgID, end); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) hold(kind, ref string) *retention.Hold {
	f.t.Helper()
	h, err := f.svc.PlaceHold(f.ctx(), kind, ref, "Claim 2026/114 from a former employee")
	if err != nil {
		f.t.Fatalf("hold %s %s: %v", kind, ref, err)
	}
	return h
}

// openProposals maps each category with an open proposal to it.
func (f *fixture) openProposals() map[string]retention.Proposal {
	f.t.Helper()
	list, _, err := retention.Proposals(context.Background(), f.db, 100, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]retention.Proposal{}
	for _, p := range list {
		if p.Status == retention.ProposalOpen {
			out[p.Category] = p
		}
	}
	return out
}

func (f *fixture) sweep() retention.SweepResult {
	f.t.Helper()
	res, err := f.svc.Sweep(audit.WithActor(context.Background(), audit.System))
	if err != nil {
		f.t.Fatalf("sweep: %v", err)
	}
	return res
}
