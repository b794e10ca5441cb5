package faulttest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// holdOrganisation locks an organisation's row as the portal's writes do (SELECT ... FOR
// UPDATE), so requests that change the record queue behind it; release lets them go.
// Holding it until every request under test waits makes them truly concurrent: each has
// read what it read before any of them writes.
func (w *world) holdOrganisation(t *testing.T, orgID string) (release func()) {
	t.Helper()
	tx, err := w.DB.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE`, orgID); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			if err := tx.Rollback(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// waitForQueued waits until n of the portal's database sessions wait for the
// organisation's row lock.
func (w *world) waitForQueued(t *testing.T, n int) {
	t.Helper()
	eventually(t, 30*time.Second, "the requests to queue for the organisation's lock", func() (bool, error) {
		return w.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE '%FROM organisations%FOR UPDATE%'`) >= n, nil
	})
}

// posted is the answer to one of several concurrent posts.
type posted struct {
	form url.Values
	page *page
	err  error
}

// postTogether posts each (client, form) pair at once while the organisation is held,
// releases it when all are queued, and returns the answers in the same order.
func (w *world) postTogether(t *testing.T, orgID, path string, clients []*client, forms []url.Values) []posted {
	t.Helper()
	release := w.holdOrganisation(t, orgID)
	out := make([]posted, len(forms))
	var wg sync.WaitGroup
	for i := range forms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := clients[i].post(path, forms[i])
			out[i] = posted{form: forms[i], page: p, err: err}
		}()
	}
	w.waitForQueued(t, len(forms))
	release()
	wg.Wait()
	for i, r := range out {
		if r.err != nil {
			t.Fatalf("post %d to %s: %v", i+1, path, r.err)
		}
	}
	return out
}

// contactsSaved returns the stored key contact, the section's version and how many
// saves of it the audit trail holds.
func (w *world) contactsSaved(t *testing.T, orgID string) (name string, version, audited int) {
	t.Helper()
	if err := w.DB.QueryRow(`SELECT data->>'key_contact_name', version FROM provider_sections WHERE organisation_id = $1 AND section = 'contacts'`,
		orgID).Scan(&name, &version); err != nil {
		t.Fatal(err)
	}
	audited = w.count(t, `SELECT count(*) FROM audit_events WHERE action = 'provider.section.saved' AND object_id = $1
		AND summary->>'section' = 'contacts'`, orgID)
	return name, version, audited
}

// contactsForm loads the contacts form and fills it with name as the key contact.
func contactsForm(t *testing.T, c *client, name string) url.Values {
	t.Helper()
	f := c.mustGet(t, contactsPath, http.StatusOK).form(t, contactsPath)
	f.Set("key_contact_name", name)
	f.Set("key_contact_role", "Registered manager")
	f.Set("key_contact_email", "key@example.org")
	f.Set("key_contact_phone", "01632 960 184")
	f.Set("action", "save")
	return f
}

// summaryValues are the values of a conflict page's summary list marked attr.
func summaryValues(p *page, attr string) string {
	return strings.Join(strings.Fields(p.Doc.Find("dl["+attr+"] .govuk-summary-list__value").Text()), " ")
}

// TestConcurrentEditsAndDoubleSubmissions runs against one portal process: concurrent
// edits of a section end in a conflict, not a lost update, and a form or a record sent
// twice at once is saved or submitted once.
func TestConcurrentEditsAndDoubleSubmissions(t *testing.T) {
	w := newWorld(t)
	srv := startPortal(t, "portal", w.settings)

	t.Run("two people editing one section: one saves, the other sees both versions", func(t *testing.T) {
		alice := w.newProvider(t, "Concurrent Care Ltd", "alice@concurrent.example.org")
		bob := w.addMember(t, alice.OrgID, "bob@concurrent.example.org")
		ca, cb := newClient(t, srv.URL), newClient(t, srv.URL)
		w.signIn(t, ca, alice.Email, alice.Password)
		w.signIn(t, cb, bob.Email, bob.Password)
		ca.mustPost(t, contactsPath, contactsForm(t, ca, "Original Contact"), http.StatusSeeOther)
		_, version, audited := w.contactsSaved(t, alice.OrgID)

		// Both load the form at the same version, then both save.
		forms := []url.Values{contactsForm(t, ca, "Alice Choice"), contactsForm(t, cb, "Bob Choice")}
		res := w.postTogether(t, alice.OrgID, contactsPath, []*client{ca, cb}, forms)

		var won, lost *posted
		for i := range res {
			switch res[i].page.Status {
			case http.StatusSeeOther:
				won = &res[i]
			case http.StatusConflict:
				lost = &res[i]
			}
		}
		if won == nil || lost == nil {
			t.Fatalf("answers %d and %d (%s | %s), want one 303 and one 409", res[0].page.Status, res[1].page.Status,
				res[0].page.text(), res[1].page.text())
		}
		winner, loser := won.form.Get("key_contact_name"), lost.form.Get("key_contact_name")
		name, v, a := w.contactsSaved(t, alice.OrgID)
		if name != winner || v != version+1 || a != audited+1 {
			t.Errorf("stored %q at version %d with %d audited saves; want the first writer's %q at version %d with %d",
				name, v, a, winner, version+1, audited+1)
		}
		if theirs := summaryValues(lost.page, "data-theirs"); !strings.Contains(theirs, winner) {
			t.Errorf("the conflict page's saved version reads %q, want it to show %q", theirs, winner)
		}
		if mine := summaryValues(lost.page, "data-mine"); !strings.Contains(mine, loser) {
			t.Errorf("the conflict page's unsaved version reads %q, want it to show %q", mine, loser)
		}
	})

	t.Run("the same section form sent twice at once is saved once", func(t *testing.T) {
		u := w.newProvider(t, "Double Click Ltd", "double@click.example.org")
		c := newClient(t, srv.URL)
		w.signIn(t, c, u.Email, u.Password)
		c.mustPost(t, contactsPath, contactsForm(t, c, "First Contact"), http.StatusSeeOther)
		_, version, audited := w.contactsSaved(t, u.OrgID)

		f := contactsForm(t, c, "Clicked Twice")
		res := w.postTogether(t, u.OrgID, contactsPath, []*client{c, c}, []url.Values{f, f})
		var statuses []int
		for _, r := range res {
			statuses = append(statuses, r.page.Status)
		}
		// The second post carries a version that is no longer current; whatever page it
		// gets, it must not save again or fail.
		if !slices.Contains(statuses, http.StatusSeeOther) || slices.ContainsFunc(statuses, func(s int) bool {
			return s != http.StatusSeeOther && s != http.StatusConflict
		}) {
			t.Errorf("answers %v, want one 303 and the other 303 or 409", statuses)
		}
		name, v, a := w.contactsSaved(t, u.OrgID)
		if name != "Clicked Twice" || v != version+1 || a != audited+1 {
			t.Errorf("stored %q at version %d with %d audited saves; want %q saved once: version %d, %d audited saves",
				name, v, a, "Clicked Twice", version+1, audited+1)
		}
	})

	t.Run("the record submitted twice at once is submitted once", func(t *testing.T) {
		u := w.newProvider(t, "Twice Submitted Ltd", "twice@submitted.example.org")
		w.completeRecord(t, u)
		c := newClient(t, srv.URL)
		w.signIn(t, c, u.Email, u.Password)
		f := c.mustGet(t, "/provider/check", http.StatusOK).form(t, "/provider/submit")
		before := w.submission(t, u.OrgID)

		res := w.postTogether(t, u.OrgID, "/provider/submit", []*client{c, c}, []url.Values{f, f})
		for i, r := range res {
			if r.page.Status != http.StatusSeeOther || r.page.Location != "/provider/submitted" {
				t.Errorf("submission %d: status %d to %q, want 303 to /provider/submitted: %s", i+1, r.page.Status, r.page.Location, r.page.text())
			}
		}
		if got, want := w.submission(t, u.OrgID), submitted(before); got != want {
			t.Errorf("after two concurrent submissions the database holds %+v, want one submission: %+v", got, want)
		}
	})
}
