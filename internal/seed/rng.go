package seed

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Streams keep the kinds of thing generated apart, so that provider 17 is the same whatever
// else a run makes (more contracts, a different number of providers before it): each kind
// draws from its own stream, keyed by the run's seed and the thing's own index.
const (
	streamProvider uint64 = iota + 1
	streamStatus
	streamContract
	streamOwner
	streamStaff
)

// rng is a deterministic source for one thing: the same seed, stream and index always give
// the same values.
type rng struct{ *rand.Rand }

func newRNG(seed int64, stream uint64, index int) rng {
	return rng{rand.New(rand.NewPCG(uint64(seed)^stream*0x9e3779b97f4a7c15, uint64(index)+stream<<48))}
}

// pick returns one of the values, uniformly.
func pick[T any](r rng, values []T) T { return values[r.IntN(len(values))] }

// weighted returns a value with probability proportional to its weight.
func weighted[T any](r rng, choices []choice[T]) T {
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	n := r.IntN(total)
	for _, c := range choices {
		if n < c.weight {
			return c.value
		}
		n -= c.weight
	}
	return choices[len(choices)-1].value
}

// choice is a value and its weight for weighted.
type choice[T any] struct {
	value  T
	weight int
}

// chance reports true with probability percent/100.
func (r rng) chance(percent float64) bool { return r.Float64()*100 < percent }

// between returns an int in [lo, hi].
func (r rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// digits returns n random decimal digits.
func (r rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// uuid returns a version 4 UUID drawn from the stream, so ids are as deterministic as the
// values: a sealed value's associated data names its row, and the row's id is known before
// it is written.
func (r rng) uuid() string {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000     // version 4
	lo = lo&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// daysAgo returns the date n days before today.
func daysAgo(today time.Time, n int) time.Time { return today.AddDate(0, 0, -n) }
