package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/webtest"
)

// rejectedOrg makes an organisation turned down thirteen months ago: due for destruction.
func rejectedOrg(t *testing.T, s *webtest.Server, name string) (id, ref string) {
	t.Helper()
	if err := s.DB.QueryRow(`INSERT INTO organisations (name, legal_name, status, decided_at)
		VALUES ($1, $1, 'rejected', now() - interval '13 months') RETURNING id, supplier_ref`, name).Scan(&id, &ref); err != nil {
		t.Fatal(err)
	}
	return id, ref
}

// TestRetentionPagesFromSweepToDestructionLog walks the data protection officer's pages: a
// hold, the sweep, reviewing the proposal, approving it, and the destruction log.
func TestRetentionPagesFromSweepToDestructionLog(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	rowan, rowanRef := rejectedOrg(t, s, "Rowan Care Ltd")
	sorrel, sorrelRef := rejectedOrg(t, s, "Sorrel Care Ltd")
	s.CreateUser(t, "ruth.rowan@rowan.example", []auth.Role{auth.RoleProvider}, rowan)

	resp, doc := c.Get(t, "/dpo/retention")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-rules] tbody tr").Length() != len(retention.ScheduledCategories()) {
		t.Fatalf("retention page: status %d, %d rules", resp.StatusCode, doc.Find("[data-rules] tbody tr").Length())
	}

	// A hold needs what, which and why.
	resp, doc = c.Post(t, "/dpo/retention/holds", form(csrf))
	links := summaryLinks(doc)
	if resp.StatusCode != http.StatusUnprocessableEntity || links["#object_type"] == "" || links["#reference"] == "" || links["#reason"] == "" {
		t.Fatalf("empty hold: status %d, summary %v", resp.StatusCode, links)
	}
	resp, doc = c.Post(t, "/dpo/retention/holds", form(csrf, "object_type", "organisation", "reference", "SUP0", "reason", "Claim"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#reference"], "No provider") {
		t.Errorf("hold on an unknown provider: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	if v, _ := inputValue(doc, "reference"); v != "SUP0" {
		t.Errorf("the reference typed is not kept: %q", v)
	}
	resp, _ = c.Post(t, "/dpo/retention/holds", form(csrf, "object_type", "organisation", "reference", strings.ToLower(sorrelRef), "reason", "Tribunal claim 2026/7"))
	if loc := location(t, resp); loc.Path != "/dpo/retention/holds" {
		t.Fatalf("placing a hold went to %s", loc)
	}
	_, doc = c.Get(t, "/dpo/retention/holds")
	if got := doc.Find("[data-holds] tbody tr").First().Text(); !strings.Contains(got, sorrelRef) || !strings.Contains(got, "Tribunal claim 2026/7") {
		t.Errorf("holds list: %q", got)
	}

	resp, _ = c.Post(t, "/dpo/retention/sweep", form(csrf))
	if loc := location(t, resp); loc.Path != "/dpo/retention" {
		t.Fatalf("sweep went to %s", loc)
	}
	_, doc = c.Get(t, "/dpo/retention")
	row := doc.Find(`[data-proposals] tr[data-category="rejected_registrations"]`)
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-due]").Text()) != "1" {
		t.Fatalf("proposal row: %q", row.Text())
	}
	proposalURL := row.Find("a").AttrOr("href", "")
	_, doc = c.Get(t, proposalURL)
	items := doc.Find("[data-items] tbody tr")
	if items.Length() != 1 || !strings.Contains(items.Text(), rowanRef) || strings.Contains(items.Text(), sorrelRef) {
		t.Fatalf("proposal items: %q", items.Text())
	}
	version := doc.Find(`form[action$="/approve"] input[name="version"]`).AttrOr("value", "")
	action := doc.Find(`form[action$="/approve"]`).AttrOr("action", "")

	if resp, _ := c.Post(t, action, form(csrf, "version", "99")); resp.StatusCode != http.StatusConflict {
		t.Errorf("approving a version not reviewed: status %d, want 409", resp.StatusCode)
	}
	resp, _ = c.Post(t, action, form(csrf, "version", version))
	if loc := location(t, resp); loc.Path != "/dpo/retention/destruction-log" {
		t.Fatalf("approval went to %s", loc)
	}
	_, doc = c.Get(t, "/dpo/retention/destruction-log")
	entry := doc.Find(`[data-destruction-log] tr[data-category="rejected_registrations"]`)
	if entry.Length() != 1 || strings.TrimSpace(entry.Find("[data-destroyed]").Text()) != "1" || !strings.Contains(entry.Text(), "Test Dana") {
		t.Errorf("destruction log entry: %q", entry.Text())
	}
	if strings.Contains(doc.Find("main").Text(), "Rowan") || strings.Contains(doc.Find("main").Text(), "ruth.rowan") {
		t.Error("the destruction log page names what was destroyed")
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE id = $1`, rowan); n != 0 {
		t.Error("the due registration was not destroyed")
	}
	if n := count(t, s, `SELECT count(*) FROM organisations WHERE id = $1`, sorrel); n != 1 {
		t.Error("the held registration was destroyed")
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE email = 'ruth.rowan@rowan.example'`); n != 0 {
		t.Error("the destroyed registration's only user remains")
	}
	if resp, _ := c.Post(t, action, form(csrf, "version", version)); resp.StatusCode != http.StatusConflict {
		t.Errorf("approving twice: status %d, want 409", resp.StatusCode)
	}

	// Releasing the hold needs a reason, then the next sweep proposes the registration.
	var holdID string
	if err := s.DB.Get(&holdID, `SELECT id FROM legal_holds WHERE object_id = $1`, sorrel); err != nil {
		t.Fatal(err)
	}
	resp, doc = c.Post(t, "/dpo/retention/holds/"+holdID+"/release", form(csrf))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#release_reason"] == "" {
		t.Errorf("release without a reason: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, _ = c.Post(t, "/dpo/retention/holds/"+holdID+"/release", form(csrf, "release_reason", "Claim withdrawn"))
	if loc := location(t, resp); loc.Path != "/dpo/retention/holds" {
		t.Errorf("release went to %s", loc)
	}
	c.Post(t, "/dpo/retention/sweep", form(csrf))
	_, doc = c.Get(t, "/dpo/retention")
	if row := doc.Find(`[data-proposals] tr[data-category="rejected_registrations"]`).First(); !strings.Contains(row.Text(), "Waiting for approval") {
		t.Errorf("after release, the newest proposal row: %q", row.Text())
	}
}

// TestRetentionRuleForm: the period must be a whole number of months and the event one the
// category offers; a good change shows on the schedule.
func TestRetentionRuleForm(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	path := "/dpo/retention/rules/" + retention.CategoryDBSRecords
	resp, doc := c.Get(t, path)
	if resp.StatusCode != http.StatusOK || doc.Find(`input[name="trigger"]`).Length() != 3 {
		t.Fatalf("rule form: status %d, %d triggers", resp.StatusCode, doc.Find(`input[name="trigger"]`).Length())
	}
	tests := []struct {
		months, trigger, field string
	}{
		{"", "left", "#months"},
		{"six", "left", "#months"},
		{"0", "left", "#months"},
		{"1201", "left", "#months"},
		{"6", "decision", "#trigger"},
		{"6", "", "#trigger"},
		{"6\x00", "left", "#months"},
	}
	for _, tt := range tests {
		resp, doc := c.Post(t, path, form(csrf, "months", tt.months, "trigger", tt.trigger, "version", "0"))
		if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)[tt.field] == "" {
			t.Errorf("months %q trigger %q: status %d, summary %v", tt.months, tt.trigger, resp.StatusCode, summaryLinks(doc))
		}
	}
	resp, _ = c.Post(t, path, form(csrf, "months", "12", "trigger", "left", "version", "0"))
	location(t, resp)
	_, doc = c.Get(t, "/dpo/retention")
	if got := strings.TrimSpace(doc.Find(`[data-rule="dbs_records"] [data-retention]`).Text()); got != "1 year after the member of staff leaves" {
		t.Errorf("schedule shows %q", got)
	}
	if resp, _ := c.Post(t, path, form(csrf, "months", "18", "trigger", "left", "version", "0")); resp.StatusCode != http.StatusConflict {
		t.Errorf("saving over a newer version: status %d, want 409", resp.StatusCode)
	}
	for _, p := range []string{"/dpo/retention/rules/nonsense", "/dpo/retention/rules/" + retention.CategoryDocuments} {
		if resp, _ := c.Get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
		}
	}
}
