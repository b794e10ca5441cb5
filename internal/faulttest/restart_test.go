package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// saver is a provider user saving their organisation's contacts section over and over,
// each time with a new key contact name, remembering which saves the portal confirmed.
type saver struct {
	id        int
	user      providerUser
	c         *client
	confirmed []string // names whose save was answered with the redirect to "check your answers"
}

const contactsPath = "/provider/sections/contacts"

// run saves until stop is closed.
func (s *saver) run(stop <-chan struct{}, rec *outcomes) {
	for n := 1; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		name := fmt.Sprintf("Worker %d save %d", s.id, n)
		if s.save(name, rec) {
			s.confirmed = append(s.confirmed, name)
		}
		// Pacing, not an assertion: a failing database answers at once, and a tight loop
		// would only burn the CPU the portal needs.
		time.Sleep(20 * time.Millisecond)
	}
}

// save loads the form, as a browser does, and posts it with name as the key contact.
func (s *saver) save(name string, rec *outcomes) bool {
	start := time.Now()
	p, err := s.c.get(contactsPath)
	rec.add(result(s.id, "GET "+contactsPath, start, p, err))
	if err != nil || p.Status != http.StatusOK {
		return false
	}
	f, err := p.formValues(contactsPath)
	if err != nil {
		rec.add(outcome{Worker: s.id, Request: "GET " + contactsPath, Start: start, Err: err})
		return false
	}
	f.Set("key_contact_name", name)
	f.Set("key_contact_role", "Registered manager")
	f.Set("key_contact_email", fmt.Sprintf("worker%d@example.org", s.id))
	f.Set("key_contact_phone", "01632 960 184")
	f.Set("action", "save")
	start = time.Now()
	p, err = s.c.post(contactsPath, f)
	rec.add(result(s.id, "POST "+contactsPath, start, p, err))
	return err == nil && p.Status == http.StatusSeeOther && p.Location == contactsPath+"/check"
}

func result(worker int, request string, start time.Time, p *page, err error) outcome {
	r := outcome{Worker: worker, Request: request, Start: start, Err: err}
	if p != nil {
		r.Status, r.Text = p.Status, p.text()
	}
	return r
}

// readyz returns the status of /readyz, 0 when the portal did not answer.
func readyz(base string) int {
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDatabaseRestartWhileRequestsFlow stops PostgreSQL under a portal serving a steady
// stream of saves, then starts it again. The portal must say it is not ready while the
// database is away and answer 503 (not 500) to what needs it, become ready again by itself,
// answer the requests after it is ready without errors, and have lost no save it confirmed.
func TestDatabaseRestartWhileRequestsFlow(t *testing.T) {
	w := newWorld(t)
	srv := startPortal(t, "portal", w.settings)
	var savers []*saver
	for i := 1; i <= 3; i++ {
		u := w.newProvider(t, fmt.Sprintf("Restart Provider %d", i), fmt.Sprintf("worker%d@example.org", i))
		c := newClient(t, srv.URL)
		w.signIn(t, c, u.Email, u.Password)
		savers = append(savers, &saver{id: i, user: u, c: c})
	}
	rec := &outcomes{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, s := range savers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(stop, rec)
		}()
	}
	stopped := false
	stopWorkers := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	t.Cleanup(stopWorkers)
	savesConfirmed := func() int {
		n := 0
		for _, r := range rec.all() {
			if r.Request == "POST "+contactsPath && r.Status == http.StatusSeeOther {
				n++
			}
		}
		return n
	}
	eventually(t, time.Minute, "saves to go through before the database stops", func() (bool, error) {
		return savesConfirmed() >= 6, nil
	})

	ctx := context.Background()
	down := time.Now()
	if err := w.cluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "/readyz to answer 503 with the database stopped", func() (bool, error) {
		return readyz(srv.URL) == http.StatusServiceUnavailable, nil
	})
	eventually(t, 30*time.Second, "requests to be refused while the database is stopped", func() (bool, error) {
		n := 0
		for _, r := range rec.startedAfter(down) {
			if r.Status >= 500 {
				n++
			}
		}
		return n >= 6, nil
	})

	if err := w.cluster.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	var ready time.Time
	eventually(t, 30*time.Second, "/readyz to answer 200 after the database restarted", func() (bool, error) {
		ready = time.Now()
		return readyz(srv.URL) == http.StatusOK, nil
	})
	const afterRecovery = 50
	eventually(t, 2*time.Minute, fmt.Sprintf("%d requests after recovery", afterRecovery), func() (bool, error) {
		return len(rec.startedAfter(ready)) >= afterRecovery, nil
	})
	stopWorkers()
	t.Logf("%d requests before the database stopped, %d until /readyz said ready, %d after",
		len(rec.all())-len(rec.startedAfter(down)), len(rec.startedAfter(down))-len(rec.startedAfter(ready)), len(rec.startedAfter(ready)))

	if srv.exited() {
		t.Fatalf("the portal exited: %v", srv.err)
	}
	// A request that needs the database while it is away is refused with 503, never
	// answered 500 or left without an answer.
	reportBad(t, "requests answered other than 503 for an unavailable database", rec.all(), func(r outcome) bool {
		return r.Err != nil || (r.Status >= 500 && r.Status != http.StatusServiceUnavailable)
	})
	reportBad(t, fmt.Sprintf("of the first %d requests after /readyz said ready, failures", afterRecovery),
		rec.startedAfter(ready)[:afterRecovery], func(r outcome) bool { return r.Err != nil || r.Status >= 500 })

	// Every save the portal confirmed is committed, with its audit event, and the section
	// holds the latest of them: one version and one audit event per committed save.
	for _, s := range savers {
		var audited []string
		if err := w.DB.Select(&audited, `SELECT summary->'changes'->'key_contact_name'->>'to' FROM audit_events
			WHERE action = 'provider.section.saved' AND object_type = 'organisation' AND object_id = $1 ORDER BY id`, s.user.OrgID); err != nil {
			t.Fatal(err)
		}
		for _, name := range s.confirmed {
			if !slices.Contains(audited, name) {
				t.Errorf("worker %d: the save of %q was confirmed but is not in the database", s.id, name)
			}
		}
		var stored string
		var version int
		if err := w.DB.QueryRow(`SELECT data->>'key_contact_name', version FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`,
			s.user.OrgID).Scan(&stored, &version); err != nil {
			t.Fatal(err)
		}
		if len(audited) == 0 || stored != audited[len(audited)-1] || version != len(audited) {
			t.Errorf("worker %d: section holds %q at version %d; the audit trail has %d saves, the last %q",
				s.id, stored, version, len(audited), audited[len(audited)-1:])
		}
		if len(s.confirmed) == 0 {
			t.Errorf("worker %d: no save was confirmed", s.id)
		}
	}
}
