package loadbench

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// Share is one part of where the portal's processor time went while a scenario ran.
type Share struct {
	What     string
	Fraction float64
}

// profileCategories name what each part of the portal's time was spent on, by the first
// frame, from the innermost out, in one of these packages. Time in the runtime or the
// standard library's plumbing (allocation, system calls, maps) is counted to the package
// that called it. The garbage collector's own workers come first, by their entry point.
var profileCategories = []struct {
	what     string
	prefixes []string
}{
	{"rendering templates", []string{"html/template.", "text/template."}},
	{"database driver", []string{"github.com/lib/pq.", "database/sql.", "github.com/jmoiron/sqlx."}},
	{"HTTP server (fasthttp, Fiber)", []string{"github.com/valyala/", "github.com/gofiber/"}},
	{"logging", []string{"log/slog."}},
	{"cryptography", []string{"crypto/", "golang.org/x/crypto/"}},
	{"the portal's own code", []string{"github.com/council/provider-portal/"}},
}

// gcEntries are the garbage collector's goroutines: time under them is collection, not the
// work that made the garbage.
var gcEntries = []string{"runtime.gcBgMarkWorker", "runtime.bgsweep", "runtime.bgscavenge", "runtime.gcAssistAlloc"}

const (
	shareGC    = "garbage collection"
	shareOther = "scheduler, network and other"
)

// fetchProfile takes a CPU profile of the portal for d from its profiling listener.
func fetchProfile(ctx context.Context, base string, d time.Duration) (*profile.Profile, error) {
	secs := max(int(d/time.Second), 1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("CPU profile: status %d", resp.StatusCode)
	}
	return profile.Parse(resp.Body)
}

// shares splits a CPU profile's samples into profileCategories, largest first.
func shares(p *profile.Profile) []Share {
	valueIdx := len(p.SampleType) - 1 // cpu nanoseconds, after the sample count
	for i, st := range p.SampleType {
		if st.Type == "cpu" {
			valueIdx = i
		}
	}
	byWhat := map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		v := s.Value[valueIdx]
		total += v
		byWhat[category(s)] += v
	}
	if total == 0 {
		return nil
	}
	out := make([]Share, 0, len(byWhat))
	for what, v := range byWhat {
		out = append(out, Share{What: what, Fraction: float64(v) / float64(total)})
	}
	slices.SortFunc(out, func(a, b Share) int { return cmp.Compare(b.Fraction, a.Fraction) })
	return out
}

// category names what one sample was spent on.
func category(s *profile.Sample) string {
	var frames []string
	for _, loc := range s.Location { // innermost first
		for _, line := range loc.Line {
			if line.Function != nil {
				frames = append(frames, line.Function.Name)
			}
		}
	}
	for _, f := range frames {
		for _, gc := range gcEntries {
			if f == gc {
				return shareGC
			}
		}
	}
	for _, f := range frames {
		for _, c := range profileCategories {
			for _, p := range c.prefixes {
				if strings.HasPrefix(f, p) {
					return c.what
				}
			}
		}
	}
	return shareOther
}

// sharesLine writes shares as one line: "rendering templates 38%, …".
func sharesLine(ss []Share) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		if s.Fraction >= 0.005 {
			parts = append(parts, fmt.Sprintf("%s %.0f%%", s.What, s.Fraction*100))
		}
	}
	return strings.Join(parts, ", ")
}
