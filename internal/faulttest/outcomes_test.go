package faulttest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// outcome is one request's result as a client saw it.
type outcome struct {
	Worker  int
	Request string // "GET /path" or "POST /path"
	Start   time.Time
	Status  int   // 0 when no response came
	Err     error // transport error, when no response came
	Text    string
}

// outcomes collects the results of every request the workers make.
type outcomes struct {
	mu   sync.Mutex
	list []outcome
}

func (o *outcomes) add(r outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, r)
}

func (o *outcomes) all() []outcome {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.list)
}

// startedAfter returns the outcomes of requests started after t, in the order they started.
func (o *outcomes) startedAfter(t time.Time) []outcome {
	var out []outcome
	for _, r := range o.all() {
		if r.Start.After(t) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b outcome) int { return a.Start.Compare(b.Start) })
	return out
}

// reportBad fails the test if any outcome is bad, with a count per kind of failure and
// one example of each, rather than a line per request.
func reportBad(t *testing.T, what string, list []outcome, bad func(outcome) bool) {
	t.Helper()
	type kind struct {
		request string
		status  int
		err     string
	}
	counts := map[kind]int{}
	examples := map[kind]outcome{}
	var order []kind
	for _, r := range list {
		if !bad(r) {
			continue
		}
		k := kind{r.Request, r.Status, ""}
		if r.Err != nil {
			k.err = r.Err.Error()
		}
		if counts[k] == 0 {
			order = append(order, k)
			examples[k] = r
		}
		counts[k]++
	}
	if len(order) == 0 {
		return
	}
	var b strings.Builder
	for _, k := range order {
		e := examples[k]
		fmt.Fprintf(&b, "\n  %d× %s: status %d, error %q; e.g. worker %d at %s: %s", counts[k], k.request, k.status, k.err,
			e.Worker, e.Start.Format("15:04:05.000"), e.Text)
	}
	t.Errorf("%s:%s", what, b.String())
}
