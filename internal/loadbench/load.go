package loadbench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one operation of a scenario (a page view, a whole sign-in) done by one client.
// worker numbers the client, from 0, so each can keep its own session.
type Op func(ctx context.Context, worker int) error

// done is one operation that ended after the warm-up.
type done struct {
	ended, began time.Time
	err          error
}

// Load runs op in a closed loop on clients concurrent workers: each starts its next
// operation as soon as the last one ends, as a person clicking through would, only faster.
//
// The operations that end within the window after the warm-up are counted. When fewer than
// one per client end in it (a page slower than the window), the window is stretched, up to
// maxWindow, until that many have ended, so a slow page is measured rather than shown as
// nothing; the result's Window says how long was measured. An operation still running 30
// seconds after the end is cut off and counted as an error.
func Load(ctx context.Context, clients int, warmup, window, maxWindow time.Duration, op Op) Result {
	start := time.Now()
	maxWindow = max(maxWindow, window)
	measureFrom, stopAt, hardStop := start.Add(warmup), start.Add(warmup+window), start.Add(warmup+maxWindow)
	ctx, cancel := context.WithDeadline(ctx, hardStop.Add(30*time.Second))
	defer cancel()
	var succeeded atomic.Int64 // operations that succeeded after the warm-up
	keepGoing := func(now time.Time) bool {
		return now.Before(stopAt) || (now.Before(hardStop) && succeeded.Load() < int64(clients))
	}
	ended := make([][]done, clients)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				began := time.Now()
				if !keepGoing(began) || ctx.Err() != nil {
					return
				}
				err := op(ctx, w)
				now := time.Now()
				if now.Before(measureFrom) {
					continue
				}
				if err == nil {
					succeeded.Add(1)
				}
				ended[w] = append(ended[w], done{ended: now, began: began, err: err})
			}
		}()
	}
	wg.Wait()
	var all []done
	for _, d := range ended {
		all = append(all, d...)
	}
	return tally(all, clients, measureFrom, stopAt, hardStop)
}

// tally counts the operations that ended in the measured window: up to stopAt when at
// least minOK succeeded by then, otherwise up to the moment the minOK-th succeeded (or the
// last that did, or hardStop when none did).
func tally(all []done, minOK int, measureFrom, stopAt, hardStop time.Time) Result {
	slices.SortFunc(all, func(a, b done) int { return a.ended.Compare(b.ended) })
	end := stopAt
	var okEnds []time.Time
	for _, d := range all {
		if d.err == nil {
			okEnds = append(okEnds, d.ended)
		}
	}
	inWindow := 0
	for _, t := range okEnds {
		if !t.After(stopAt) {
			inWindow++
		}
	}
	if inWindow < minOK {
		switch {
		case len(okEnds) >= minOK:
			end = okEnds[minOK-1]
		case len(okEnds) > 0:
			end = okEnds[len(okEnds)-1]
		default:
			end = hardStop
		}
	}
	res := Result{Window: end.Sub(measureFrom)}
	for _, d := range all {
		if d.ended.After(end) {
			continue
		}
		if d.err != nil {
			res.Errors++
			if res.FirstError == "" {
				res.FirstError = d.err.Error()
			}
			continue
		}
		res.OK++
		res.Latencies = append(res.Latencies, d.ended.Sub(d.began))
	}
	res.sortLatencies()
	return res
}
