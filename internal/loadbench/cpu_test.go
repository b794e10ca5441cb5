package loadbench

import (
	"testing"

	"github.com/google/pprof/profile"
)

// A process's name may hold spaces and parentheses; the fields are counted from its end.
func TestParseStat(t *testing.T) {
	line := []byte("4242 (postgres: portal (x) idle) S 4100 4100 4100 0 -1 4194560 1161 0 0 0 37 12 0 0 20 0 1 0 27 220000000 4000 18446744073709551615")
	ppid, u, s, err := parseStat(line)
	if err != nil || ppid != 4100 || u != 37 || s != 12 {
		t.Errorf("parseStat = %d, %d, %d, %v; want 4100, 37, 12", ppid, u, s, err)
	}
	if _, _, _, err := parseStat([]byte("4242 (short) S 1")); err == nil {
		t.Error("a short status was read")
	}
}

// Time is counted to the innermost package of interest, and the collector's own goroutines
// to garbage collection whatever they call.
func TestProfileShares(t *testing.T) {
	fn := map[string]*profile.Function{}
	loc := func(names ...string) []*profile.Location {
		var out []*profile.Location
		for _, n := range names {
			if fn[n] == nil {
				fn[n] = &profile.Function{Name: n}
			}
			out = append(out, &profile.Location{Line: []profile.Line{{Function: fn[n]}}})
		}
		return out
	}
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: "samples"}, {Type: "cpu", Unit: "nanoseconds"}}, Sample: []*profile.Sample{
		{Value: []int64{1, 60}, Location: loc("runtime.mallocgc", "text/template.(*state).walk", "github.com/council/provider-portal/internal/web.(*Server).render", "github.com/valyala/fasthttp.(*Server).serveConn")},
		{Value: []int64{1, 20}, Location: loc("syscall.Syscall", "github.com/lib/pq.(*conn).send", "github.com/council/provider-portal/internal/auth.SessionByToken")},
		{Value: []int64{1, 15}, Location: loc("runtime.scanobject", "runtime.gcDrain", "runtime.gcBgMarkWorker")},
		{Value: []int64{1, 5}, Location: loc("runtime.findRunnable", "runtime.schedule")},
	}}
	got := sharesLine(shares(p))
	if want := "rendering templates 60%, database driver 20%, garbage collection 15%, scheduler, network and other 5%"; got != want {
		t.Errorf("shares:\n got %s\nwant %s", got, want)
	}
}
