// Package workqueue is each staff member's "Your work": it merges the waiting items every
// capability package lists for itself (returns to review, contract performance assessments
// due, QA actions marked complete, registrations and held changes, bank changes to verify
// or approve, correction and subject access requests, staff roles to approve) by the roles
// a person holds, oldest first, and
// emails people about new work at once or in a daily digest, as each chooses.
package workqueue

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/work"
	"github.com/jmoiron/sqlx"
)

// source is one place work waits, and the roles that do it.
type source struct {
	roles []auth.Role
	list  func(context.Context, sqlx.QueryerContext, work.Filter) ([]work.Item, error)
	count func(context.Context, sqlx.QueryerContext, work.Filter) (int, error)
}

// sources are every place work waits. Correction requests are the officers' and the data
// protection officer's alike (as their pages are); someone holding both roles sees each once.
var sources = []source{
	{[]auth.Role{auth.RoleOfficer}, provider.WaitingWork, provider.CountWaitingWork},
	{[]auth.Role{auth.RoleOfficer}, contract.WaitingReturns, contract.CountWaitingReturns},
	{[]auth.Role{auth.RoleOfficer}, contract.WaitingAssessments, contract.CountWaitingAssessments},
	{[]auth.Role{auth.RoleOfficer}, quality.WaitingActions, quality.CountWaitingActions},
	{[]auth.Role{auth.RoleFinance}, finance.WaitingChanges, finance.CountWaitingChanges},
	{[]auth.Role{auth.RoleOfficer, auth.RoleDPO}, privacy.WaitingCorrections, privacy.CountWaitingCorrections},
	{[]auth.Role{auth.RoleDPO}, subject.WaitingRequests, subject.CountWaitingRequests},
	{[]auth.Role{auth.RoleAdmin}, auth.WaitingGrants, auth.CountWaitingGrants},
}

// sourcesFor are the sources whose work the user's roles do.
func sourcesFor(u *auth.User) []source {
	var out []source
	for _, s := range sources {
		if slices.ContainsFunc(s.roles, u.Has) {
			out = append(out, s)
		}
	}
	return out
}

// MaxItems is how deep the list goes: the oldest thousand items. Work beyond them is
// counted, and reached as the older items are done.
const MaxItems = 1000

// Query chooses a page of someone's work.
type Query struct {
	// Mine keeps the work on providers with a contract the user manages (and, for
	// correction and subject access requests, those they handle or registered).
	Mine bool
	// After keeps only work that arrived after it.
	After         time.Time
	Limit, Offset int
}

// List returns one page of the user's work, oldest first, and how much there is in all.
// Each source lists at most Offset+Limit items from its own index, so a page costs a few
// small indexed queries however many providers there are.
func List(ctx context.Context, q sqlx.QueryerContext, u *auth.User, qu Query) ([]work.Item, int, error) {
	f, err := filterFor(ctx, q, u, qu)
	if err != nil {
		return nil, 0, err
	}
	f.Limit = min(qu.Offset+qu.Limit, MaxItems)
	var items []work.Item
	total := 0
	for _, s := range sourcesFor(u) {
		got, err := s.list(ctx, q, f)
		if err != nil {
			return nil, 0, err
		}
		n, err := s.count(ctx, q, f)
		if err != nil {
			return nil, 0, err
		}
		items, total = append(items, got...), total+n
	}
	slices.SortStableFunc(items, func(a, b work.Item) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	if qu.Offset >= len(items) {
		return nil, total, nil
	}
	return items[qu.Offset:min(len(items), qu.Offset+qu.Limit)], total, nil
}

// Count is how much work waits for the user in all (every provider, not just theirs).
func Count(ctx context.Context, q sqlx.QueryerContext, u *auth.User) (int, error) {
	f := work.Filter{UserID: u.ID}
	total := 0
	for _, s := range sourcesFor(u) {
		n, err := s.count(ctx, q, f)
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// filterFor turns a query into the sources' filter, finding "my providers" when asked.
func filterFor(ctx context.Context, q sqlx.QueryerContext, u *auth.User, qu Query) (work.Filter, error) {
	f := work.Filter{UserID: u.ID, Mine: qu.Mine, After: qu.After}
	if qu.Mine {
		orgs, err := contract.ManagedOrganisations(ctx, q, u.ID)
		if err != nil {
			return f, err
		}
		f.Organisations = orgs
	}
	return f, nil
}

// Counter remembers each user's count of work briefly, so the navigation can show it on
// every page without counting on every request. The "Your work" page stores the count it
// has just made, so that page and the navigation agree.
type Counter struct {
	TTL time.Duration
	Now func() time.Time

	mu     sync.Mutex
	counts map[string]counted
}

type counted struct {
	n  int
	at time.Time
}

// Count returns the user's count, from the last few seconds when it can.
func (c *Counter) Count(ctx context.Context, q sqlx.QueryerContext, u *auth.User) (int, error) {
	key := u.ID + "|" + strings.Join(u.RoleNames, ",")
	now := c.now()
	c.mu.Lock()
	got, ok := c.counts[key]
	c.mu.Unlock()
	if ok && now.Sub(got.at) < c.TTL {
		return got.n, nil
	}
	n, err := Count(ctx, q, u)
	if err != nil {
		return 0, err
	}
	c.Store(u, n)
	return n, nil
}

// Store records a count just made.
func (c *Counter) Store(u *auth.User, n int) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil || len(c.counts) > 10000 {
		c.counts = map[string]counted{} // a crude bound: staff are a few dozen people
	}
	c.counts[u.ID+"|"+strings.Join(u.RoleNames, ",")] = counted{n: n, at: now}
}

func (c *Counter) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
