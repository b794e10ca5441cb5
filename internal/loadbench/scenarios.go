package loadbench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/council/provider-portal/internal/directory"
	"github.com/jmoiron/sqlx"
)

// Scenario is one thing the benchmark measures: the portal doing it under load and, where
// the page's SQL can be run on its own, pgbench running that SQL at the same concurrency.
type Scenario struct {
	Name string
	Op   Op
	// Pgbench are the scripts pgbench picks from, one per transaction; none: no comparison.
	Pgbench []string
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
	script, err := Script(directory.PageStatements(directoryFilter, directory.SortName, nil, directoryPageSize))
	if err != nil {
		return Scenario{}, err
	}
	return Scenario{Name: "Directory, filtered, first page", Op: get(sessions, func(int) string { return path }), Pgbench: []string{script}}, nil
}

// directoryDeepPage follows the directory's next-page links from the first page of approved
// providers to page want (or the last page, when there are fewer), then reads that page.
func directoryDeepPage(ctx context.Context, sessions []*Client, want int) (Scenario, error) {
	f := directory.Filter{Status: "approved"}
	path := "/providers?status=approved"
	page := 1
	for page < want {
		body, err := sessions[0].Get(ctx, path)
		if err != nil {
			return Scenario{}, err
		}
		next := NextPage(body)
		if next == "" {
			break
		}
		path, page = next, page+1
	}
	u, err := url.Parse(path)
	if err != nil {
		return Scenario{}, err
	}
	var after *directory.Cursor
	if a := u.Query().Get("after"); a != "" {
		c, err := cursorOf(a)
		if err != nil {
			return Scenario{}, err
		}
		after = &c
	}
	script, err := Script(directory.PageStatements(f, directory.SortName, after, directoryPageSize))
	if err != nil {
		return Scenario{}, err
	}
	return Scenario{Name: fmt.Sprintf("Directory, approved, page %d", page), Op: get(sessions, func(int) string { return path }),
		Pgbench: []string{script}}, nil
}

// cursorOf reads the position a page link's cursor holds. The link is signed, not secret:
// its first part is the cursor's JSON.
func cursorOf(encoded string) (directory.Cursor, error) {
	payload, _, _ := strings.Cut(encoded, ".")
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return directory.Cursor{}, fmt.Errorf("page link: %w", err)
	}
	var c directory.Cursor
	if err := json.Unmarshal(body, &c); err != nil {
		return directory.Cursor{}, fmt.Errorf("page link: %w", err)
	}
	return c, nil
}

// providerSample is how many providers the provider page scenario visits, in turn; pgbench
// reads the same ones (one script each; pgbench allows up to 128).
const providerSample = 100

// providerPage views the sample's provider pages.
func providerPage(ctx context.Context, d *sqlx.DB, sessions []*Client) (Scenario, error) {
	var ids []string
	if err := d.SelectContext(ctx, &ids, `SELECT id FROM organisations ORDER BY md5(id::text) LIMIT $1`, providerSample); err != nil {
		return Scenario{}, err
	}
	if len(ids) == 0 {
		return Scenario{}, errors.New("no providers to view")
	}
	scripts := make([]string, len(ids))
	for i, id := range ids {
		s, err := Script([]directory.Statement{directory.ByIDStatement(id)})
		if err != nil {
			return Scenario{}, err
		}
		scripts[i] = s
	}
	var n atomic.Int64
	return Scenario{Name: "Provider page", Pgbench: scripts,
		Note: "pgbench runs the page's main query only (the provider's row); the page runs about fifteen",
		Op:   get(sessions, func(int) string { return "/providers/" + ids[int(n.Add(1))%len(ids)] })}, nil
}

// dashboard is the officers' dashboard.
func dashboard(sessions []*Client) Scenario {
	return Scenario{Name: "Officer dashboard", Op: get(sessions, func(int) string { return "/dashboard" })}
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
