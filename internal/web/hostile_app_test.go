package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/demo"
	"github.com/council/provider-portal/internal/web"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/lib/pq"
)

// hostileUnfingerprinted are the tables a refused request may legitimately write, left out
// of the "nothing stored" fingerprint:
//   - sessions: every request refreshes its session (last seen, flash message, the
//     enrolment secret the authenticator page holds, a finance step-up);
//   - signin_attempts: a refused sign-in or code is counted there by design, for throttling;
//   - audit_events and audit_anchor: refusals that matter (a failed code, a denied access)
//     are audited, and the anchor follows the audit chain;
//   - job_runs: written by background jobs, never by a request.
//
// Everything else, the outbox and one-time tokens included, must be unchanged by a refused
// request: a refusal sends no mail and issues no link.
var hostileUnfingerprinted = []string{"sessions", "signin_attempts", "audit_events", "audit_anchor", "job_runs"}

// hostileClient is one signed-in (or anonymous) browser of the walk.
type hostileClient struct {
	name   string
	userID string
	stage  auth.Stage
	roles  []auth.Role
	*webtest.Client
	csrf string
}

// may reports whether the client passes rule. Public pages count as the anonymous client's
// only, so the crawl visits each once (their forms, such as signing out, are posted by
// whichever client found them).
func (h *hostileClient) may(r web.Rule) bool {
	if r.Stage == "" {
		return h.stage == auth.StageAnonymous
	}
	if r.Stage != h.stage {
		return false
	}
	return len(r.Roles) == 0 || slices.ContainsFunc(r.Roles, func(role auth.Role) bool { return slices.Contains(h.roles, role) })
}

// hostileApp is the portal with the demonstration data and a client per role.
type hostileApp struct {
	s       *webtest.Server
	clients []*hostileClient
	routes  []web.Route
}

// newHostileApp starts the portal, loads every demonstration loader (so path parameters
// have real records: contracts, returns, visits, actions, a submitted and approved
// providers) and makes a session for each client.
func newHostileApp(t *testing.T) *hostileApp {
	t.Helper()
	s := webtest.Start(t)
	ctx := context.Background()
	if err := demo.Load(ctx, s.Auth); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadSubmittedProvider(ctx, s.Auth, s.Providers); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadCommissioning(ctx, s.Auth, s.Providers); err != nil {
		t.Fatal(err)
	}
	// The demonstration's provider users have not read the privacy notice (a developer reads
	// it at first sign-in); the walk's have, or every page would send them to read it.
	if _, err := s.DB.Exec(`INSERT INTO notice_acknowledgements (user_id, notice_id)
		SELECT u.id, n.id FROM users u, privacy_notices n
		WHERE 'provider' = ANY(u.roles) AND n.audience = 'provider' AND n.status = 'published'
		ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	app := &hostileApp{s: s, routes: web.RouteTable()}
	add := func(name, email string, stage auth.Stage) {
		var userID string
		var roles []auth.Role
		if email != "" {
			u, err := auth.UserByEmail(ctx, s.DB, email)
			if err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			userID, roles = u.ID, u.Roles()
		}
		c, csrf := sessionAs(t, s, userID, stage)
		app.clients = append(app.clients, &hostileClient{name: name, userID: userID, stage: stage, roles: roles, Client: c, csrf: csrf})
	}
	add("anonymous", "", auth.StageAnonymous)
	add("second factor due", "officer@example.gov.uk", auth.StageMFA)
	add("enrolment due", "admin@example.gov.uk", auth.StageEnrol)
	add("emailed code due", "provider@example.org", auth.StageCode)
	add("provider (draft record)", "provider@example.org", auth.StageFull)
	// The approved provider is one with a return due whose period has ended, so the form to
	// make a return is there to find.
	var approved string
	if err := s.DB.Get(&approved, `SELECT u.email FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
		JOIN memberships m ON m.organisation_id = c.organisation_id JOIN users u ON u.id = m.user_id
		WHERE r.status = 'due' AND r.period_end < current_date ORDER BY u.email LIMIT 1`); err != nil {
		t.Fatalf("a provider with a return due: %v", err)
	}
	add("provider (approved)", approved, auth.StageFull)
	add("officer", "officer@example.gov.uk", auth.StageFull)
	add("finance", "finance@example.gov.uk", auth.StageFull)
	add("dpo", "dpo@example.gov.uk", auth.StageFull)
	add("admin", "admin@example.gov.uk", auth.StageFull)
	app.fixtures(t)

	// The anonymous visitor has read the privacy notice, registration's first step, so the
	// crawl reaches the account form behind it.
	anon := app.clients[0]
	_, doc := anon.Get(t, "/register")
	resp, _ := anon.Post(t, "/register", url.Values{"_csrf": {anon.csrf}, "notice_id": {doc.Find(`input[name="notice_id"]`).AttrOr("value", "")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reading the notice to register: status %d", resp.StatusCode)
	}
	return app
}

// stepUp lets the finance client reveal and export, as a fresh authenticator code would, so
// those forms are reached rather than sent to the step-up page.
func (a *hostileApp) stepUp(t *testing.T) {
	t.Helper()
	if _, err := a.s.DB.Exec(`UPDATE sessions SET stepped_up_at = now() WHERE stage = 'full' AND user_id IN
		(SELECT id FROM users WHERE 'finance' = ANY(roles))`); err != nil {
		t.Fatal(err)
	}
}

// hostileFingerprint is the statement that digests every table but the unfingerprinted:
// per table, its row count and the sum of a 64-bit hash of each row as text, which changes
// with any row added, removed or changed, in any order, without sorting the table.
func hostileFingerprint(t *testing.T, s *webtest.Server) string {
	t.Helper()
	var tables []string
	if err := s.DB.Select(&tables, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, table := range tables {
		if slices.Contains(hostileUnfingerprinted, table) {
			continue
		}
		parts = append(parts, fmt.Sprintf(`SELECT %s AS name, count(*) || ' ' || coalesce(sum(hashtextextended(x::text, 0)), 0) AS digest FROM %s x`,
			pq.QuoteLiteral(table), pq.QuoteIdentifier(table)))
	}
	if len(parts) < 20 {
		t.Fatalf("only %d tables to fingerprint", len(parts))
	}
	return strings.Join(parts, "\nUNION ALL ")
}

// hostileState is one fingerprint: digest by table.
func (a *hostileApp) state(t *testing.T, query string) map[string]string {
	t.Helper()
	var rows []struct {
		Name   string `db:"name"`
		Digest string `db:"digest"`
	}
	if err := a.s.DB.Select(&rows, query); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Name] = r.Digest
	}
	return out
}

// hostileChanged lists the tables whose digests differ.
func hostileChanged(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// fixtures adds what the demonstration data has none of, so the forms of those records are
// found and walked: breaches (one undecided, one to report, one to close), a subject access request, a rectification request, a legal
// hold, a draft privacy notice, an export profile, a second member of the draft provider's
// organisation, an invitation and a password reset (whose links are in the outbox), a
// return queried, and a bank details change awaiting its call.
func (a *hostileApp) fixtures(t *testing.T) {
	t.Helper()
	s := a.s
	ctx := context.Background()
	user := func(email string) *auth.User {
		u, err := auth.UserByEmail(ctx, s.DB, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return u
	}
	provider, other, fin := user("provider@example.org"), user("manager@oakfield.example.org"), user("finance@example.gov.uk")
	for _, q := range []string{
		`INSERT INTO breaches (title, description, discovered_at, recorded_by_name) VALUES ('Fixture breach', 'A list was emailed to the wrong provider', now() - interval '1 day', 'Dana Price')`,
		`INSERT INTO breaches (title, description, discovered_at, recorded_by_name, risk, decision, decision_reason, decided_at, decided_by_name)
			VALUES ('Fixture breach to report', 'Case notes were left on a train', now() - interval '1 day', 'Dana Price', 'high', 'report', 'Health data of children', now(), 'Dana Price')`,
		`INSERT INTO breaches (title, description, discovered_at, recorded_by_name, risk, decision, decision_reason, decided_at, decided_by_name)
			VALUES ('Fixture breach to close', 'An email went to a colleague', now() - interval '2 days', 'Dana Price', 'unlikely', 'not_report', 'Deleted unread', now(), 'Dana Price')`,
		`INSERT INTO sar_requests (requester_name, identity_method, received_on, due_on) VALUES ('Pat Example', 'photo_id', current_date, current_date + 30)`,
		`INSERT INTO legal_holds (object_type, object_id, reason, placed_by_name) VALUES ('organisation', '` + demo.SubmittedOrganisationID + `', 'A claim is expected', 'Dana Price')`,
		`INSERT INTO privacy_notices (audience, version, title, body_markdown, effective_from, status)
			SELECT 'provider', max(version) + 1, 'Draft notice', '## What we collect' || E'\n\n' || 'Names.', current_date + 7, 'draft' FROM privacy_notices`,
		`INSERT INTO export_profiles (name, columns, delimiter, date_format) VALUES ('Fixture profile', '[{"field": "sort_code", "header": "Sort code"}]', ',', 'dd/mm/yyyy')`,
	} {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.DB.Exec(`INSERT INTO rectification_requests (requested_by, requester_name, requester_email, organisation_id, location, what_is_wrong, should_say)
		VALUES ($1, $2, $3, $4, 'Contacts', 'My phone number', '07700 900123')`, provider.ID, provider.Name, provider.Email, demo.DemoOrganisationID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, other.ID, demo.DemoOrganisationID); err != nil {
		t.Fatal(err)
	}
	providerCtx := audit.WithActor(ctx, audit.Actor{UserID: provider.ID, Email: provider.Email, Roles: provider.RoleNames})
	if err := s.Services.Members.InviteMember(providerCtx, demo.DemoOrganisationID, "new.member@example.org", provider); err != nil {
		t.Fatal(err)
	}
	if err := s.Auth.RequestPasswordReset(ctx, other.Email, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	var approved string
	if err := s.DB.Get(&approved, `SELECT id::text FROM organisations WHERE status = 'approved' ORDER BY name LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	// One of the approved provider's accepted returns is queried again, for the answer form.
	if _, err := s.DB.Exec(`UPDATE monitoring_returns SET status = 'queried', accepted_at = NULL, accepted_by = NULL, accepted_by_name = ''
		WHERE id = (SELECT min(r.id::text)::uuid FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
			JOIN memberships m ON m.organisation_id = c.organisation_id
			WHERE m.user_id = $1 AND r.status = 'accepted' AND c.status = 'active')`, a.client("provider (approved)").userID); err != nil {
		t.Fatal(err)
	}
	finCtx := audit.WithActor(ctx, audit.Actor{UserID: fin.ID, Email: fin.Email, Roles: fin.RoleNames})
	if _, err := s.Finance.OpenInitialRequest(finCtx, approved); err != nil {
		t.Fatal(err)
	}
}

// seeds are record pages in the states whose forms the links from lists may not reach
// within the crawl's bounds: a return awaiting review and one due, for the officer and for
// its provider, and a subject access search with results (which carry the export form).
func (a *hostileApp) seeds(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT '/returns/' || id FROM monitoring_returns WHERE status IN ('submitted', 'answered') ORDER BY id LIMIT 1`,
		`SELECT '/returns/' || id FROM monitoring_returns WHERE status = 'due' AND period_end < current_date ORDER BY id LIMIT 1`,
		`SELECT '/provider/returns/' || min(r.id::text) FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
			JOIN memberships m ON m.organisation_id = c.organisation_id
			WHERE m.user_id = $1 AND r.status IN ('due', 'queried') AND r.period_end < current_date GROUP BY r.status`,
		`SELECT '/dpo/sar/' || id || '/search?search_name=Pat' FROM sar_requests ORDER BY id LIMIT 1`,
	} {
		var paths []string
		var args []any
		if strings.Contains(q, "$1") {
			args = append(args, a.client("provider (approved)").userID)
		}
		if err := a.s.DB.Select(&paths, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, paths...)
	}
	return out
}

// client is the walk's client of that name.
func (a *hostileApp) client(name string) *hostileClient {
	for _, h := range a.clients {
		if h.name == name {
			return h
		}
	}
	panic("no client " + name)
}
