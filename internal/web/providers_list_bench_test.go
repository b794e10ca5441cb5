package web_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// BenchmarkDirectoryPage is the directory's first page as an officer fetches it, in
// process, so a CPU profile (go test -run '^$' -bench DirectoryPage -cpuprofile cpu.out)
// shows what the portal spends outside the database: sessions, access checks, rendering.
// make bench measures the same page under load, with PostgreSQL beside it.
func BenchmarkDirectoryPage(b *testing.B) {
	s := webtest.Start(b)
	for i := range 60 {
		if _, err := s.DB.Exec(`INSERT INTO organisations (name, status, service_categories) VALUES ($1, 'approved', '{childrens_homes}')`,
			fmt.Sprintf("Provider %03d", i)); err != nil {
			b.Fatal(err)
		}
	}
	c := s.SignIn(b, s.CreateUser(b, "bench@council.example", []auth.Role{auth.RoleOfficer}, ""), 0)
	const path = "/providers?status=approved&category=childrens_homes"
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Client.Get(c.Base + path)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
