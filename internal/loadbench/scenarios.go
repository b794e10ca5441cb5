package loadbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Scenario is one thing the benchmark measures: the portal doing it under load and, where
// the page's SQL can be run on its own, pgbench running that SQL at the same concurrency.
type Scenario struct {
	Name string
	Op   Op
	// Pgbench are the scripts pgbench picks from, one per transaction; none: no comparison.
	Pgbench []string
	// PgbenchFrom, when set, makes the scripts from the statements one operation ran, as
	// PostgreSQL logged them (for a write, whose statements depend on the rows it writes).
	PgbenchFrom func([]Statement) ([]string, error)
	// Note qualifies the comparison in the report.
	Note string
}

// directoryFilter is the filtered directory the first-page scenario reads: approved
// children's homes, the register an officer placing a child searches.
var directoryFilter = directory.Filter{Status: "approved", Category: "childrens_homes"}

// directoryPageSize is the portal's page of providers (internal/web).
const directoryPageSize = 25

// get is an operation that fetches path with the worker's session and reads the page.
func get(sessions []*Client, path func(worker int) string) Op {
	return func(ctx context.Context, w int) error {
		c := sessions[w%len(sessions)]
		p := path(w)
		resp, err := c.Do(ctx, http.MethodGet, p, nil)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", p, resp.StatusCode)
		}
		return nil
	}
}

// directoryFirstPage is the filtered directory's first page.
func directoryFirstPage(sessions []*Client) (Scenario, error) {
	v := url.Values{"status": {directoryFilter.Status}, "category": {directoryFilter.Category}}
	path := "/providers?" + v.Encode()
	return Scenario{Name: "Directory, filtered, first page", Op: get(sessions, func(int) string { return path }), PgbenchFrom: pageScript}, nil
}

// directoryDeepPage follows the directory's next-page links from the first page of approved
// providers to page want, then reads that page. A register with fewer pages is read at its
// last full page (the one before the last), so each size reads a whole page of rows.
func directoryDeepPage(ctx context.Context, sessions []*Client, want int) (Scenario, error) {
	path := "/providers?status=approved"
	page, prev := 1, ""
	for page < want {
		body, err := sessions[0].Get(ctx, path)
		if err != nil {
			return Scenario{}, err
		}
		next := NextPage(body)
		if next == "" {
			if prev != "" {
				path, page = prev, page-1
			}
			break
		}
		prev, path, page = path, next, page+1
	}
	return Scenario{Name: fmt.Sprintf("Directory, approved, page %d", page), Op: get(sessions, func(int) string { return path }),
		PgbenchFrom: pageScript}, nil
}

// providerSample is how many providers the provider page scenario visits, in turn; pgbench
// reads the same ones (one script each; pgbench allows up to 128).
const providerSample = 100

// providerPage views the sample's provider pages; the write scenario's organisations are
// left out of the sample, so the saves do not change what it reads.
func providerPage(ctx context.Context, d *sqlx.DB, sessions []*Client, exclude []string) (Scenario, error) {
	var ids []string
	if err := d.SelectContext(ctx, &ids, `SELECT id FROM organisations WHERE NOT (id = ANY($2::uuid[])) ORDER BY md5(id::text) LIMIT $1`,
		providerSample, pq.StringArray(append([]string{}, exclude...))); err != nil { // never NULL, which would exclude all
		return Scenario{}, err
	}
	if len(ids) == 0 {
		return Scenario{}, errors.New("no providers to view")
	}
	var n atomic.Int64
	return Scenario{Name: "Provider page", PgbenchFrom: pageScript,
		Note: "pgbench runs the statements of the one view logged, of one provider; the portal visits the sample's providers in turn",
		Op:   get(sessions, func(int) string { return "/providers/" + ids[int(n.Add(1))%len(ids)] })}, nil
}

// dashboard is the officers' dashboard.
func dashboard(sessions []*Client) Scenario {
	return Scenario{Name: "Officer dashboard", Op: get(sessions, func(int) string { return "/dashboard" }), PgbenchFrom: pageScript,
		Note: "the dashboard's figures are worked out at most once a minute and shared (PORTAL_DASHBOARD_REFRESH); pgbench runs what a view between two workings out runs"}
}

// signIn is a whole sign-in, as a new visitor: the form, the password (argon2id), the code.
// Each uses the next account with a TOTP step free, so no code is refused as a replay.
func signIn(base string, transport http.RoundTripper, accounts []*Account) Scenario {
	var next atomic.Int64
	return Scenario{Name: "Sign-in (password and TOTP code)",
		Note: "each sign-in verifies an argon2id hash (19 MiB, 2 passes), by design the most expensive request",
		Op: func(ctx context.Context, _ int) error {
			for range accounts {
				a := accounts[int(next.Add(1))%len(accounts)]
				code, ok := a.nextCode(time.Now())
				if !ok {
					continue
				}
				return NewClient(base, transport).SignIn(ctx, a, code)
			}
			return errors.New("every account has used its TOTP steps: add accounts (--signin-accounts)")
		}}
}

// writeSection is the section the write scenario saves: the contacts, four short fields a
// provider may change at any stage (in draft, as here, a save is checked and kept at once).
const writeSection = provider.SectionContacts

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// sectionSave is a provider saving a section through its form, as a person does: the page,
// for its CSRF token and the version it shows, then "Save and continue" with a changed
// answer. Each save writes the section and its audit event in one transaction. Client w
// saves writer w's organisation, so no two clients edit the same section at once. Each
// writer saves once first, so the section exists and every measured save is an update.
// The pgbench script is made from the statements of one save (saveScript).
func sectionSave(ctx context.Context, sessions []*Client, writers []*Writer, auditKey []byte) (Scenario, error) {
	var n atomic.Int64
	path := "/provider/sections/" + string(writeSection)
	op := func(ctx context.Context, w int) error {
		c := sessions[w%len(sessions)] // writer w's own session
		page, err := c.Get(ctx, path)
		if err != nil {
			return err
		}
		token, err := CSRF(page)
		if err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		v := versionField.FindStringSubmatch(page)
		if v == nil {
			return fmt.Errorf("GET %s: no version on the form", path)
		}
		to, err := c.PostRedirect(ctx, path, url.Values{"_csrf": {token}, "version": {v[1]}, "action": {"save"},
			"key_contact_name": {"Benchmark Writer"}, "key_contact_role": {fmt.Sprintf("Registered Manager, save %d", n.Add(1))},
			"key_contact_email": {"contact@example.gov.uk"}, "key_contact_phone": {"01632 960001"}})
		if err != nil {
			return err
		}
		if want := path + "/check"; to != want {
			return fmt.Errorf("POST %s: sent to %q rather than %q", path, to, want)
		}
		return nil
	}
	for w := range writers {
		if err := op(ctx, w); err != nil {
			return Scenario{}, fmt.Errorf("first save of %s: %w", writers[w].Email, err)
		}
	}
	orgs := make([]string, len(writers))
	for i, w := range writers {
		orgs[i] = w.OrgID
	}
	return Scenario{Name: "Provider saves a section (contacts)", Op: op,
		Note: "pgbench runs the save's transaction alone (from BEGIN to COMMIT, each client on its own organisation); the portal's save also reads the form page first. " +
			"Every audited write is serialised by the audit chain: the audit_events trigger (audit_chain, migration 00004) takes one advisory lock, held until commit, " +
			"then reads the newest event's hash to chain the new one to it, so one audited transaction at a time runs from its audit INSERT to its commit. " +
			"The save records its event last, so only the INSERT, the seal UPDATE and the COMMIT (in production with its WAL flush; this benchmark's database runs with fsync and synchronous_commit off) wait their turn",
		PgbenchFrom: func(stmts []Statement) ([]string, error) {
			s, err := saveScript(stmts, orgs, auditKey)
			if err != nil {
				return nil, err
			}
			return []string{s}, nil
		}}, nil
}
