package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// The metrics listener serves Go's profiles only when PORTAL_PROFILING asks for them; the
// metrics themselves either way.
func TestMetricsListenerProfilesOnlyWhenAsked(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("portal_up 1\n")) })
	for _, profiling := range []bool{false, true} {
		mux := metricsMux(metrics, profiling)
		for path, want := range map[string]int{"/metrics": http.StatusOK, "/debug/pprof/": map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[profiling],
			"/debug/pprof/heap": map[bool]int{false: http.StatusNotFound, true: http.StatusOK}[profiling]} {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			if rec.Code != want {
				t.Errorf("profiling %v: GET %s = %d, want %d", profiling, path, rec.Code, want)
			}
		}
	}
}
