package loadbench

import (
	"slices"
	"time"
)

// Result is what one load run measured: how many operations completed in the measured
// window, how many failed, and the latency of each one that succeeded.
type Result struct {
	Window    time.Duration
	OK        int
	Errors    int
	Latencies []time.Duration
	// FirstError is the first failure's description, for the report.
	FirstError string
}

// Throughput is successful operations a second over the window.
func (r Result) Throughput() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.OK) / r.Window.Seconds()
}

// Percentile returns the p-th percentile (0 < p <= 100) of the latencies by the nearest-rank
// method: the smallest latency at least p% of them do not exceed. It is 0 with no latencies.
func Percentile(latencies []time.Duration, p float64) time.Duration {
	if len(latencies) == 0 {
		return 0
	}
	sorted := latencies
	if !slices.IsSorted(sorted) {
		sorted = slices.Clone(latencies)
		slices.Sort(sorted)
	}
	rank := int(float64(len(sorted))*p/100 + 0.999999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// P50 and P99 are the median and 99th percentile latencies.
func (r Result) P50() time.Duration { return Percentile(r.Latencies, 50) }
func (r Result) P99() time.Duration { return Percentile(r.Latencies, 99) }

// sortLatencies sorts in place, so the percentiles need not copy.
func (r *Result) sortLatencies() { slices.Sort(r.Latencies) }
