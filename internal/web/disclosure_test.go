package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// disclosureForm is a valid disclosure made today, with kv replacing fields.
func disclosureForm(csrf string, kv ...string) url.Values {
	today := time.Now()
	v := form(csrf, "disclosed_on-day", strconv.Itoa(today.Day()), "disclosed_on-month", strconv.Itoa(int(today.Month())),
		"disclosed_on-year", strconv.Itoa(today.Year()), "recipient_kind", "police", "recipient_name", "Metropolitan Police, CAIT",
		"what", "Names and roles of two staff", "lawful_basis", "crime")
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestDisclosureLogRecordsFiltersAndExports: an officer records a disclosure (with messages
// for what is missing or wrong), the log filters and pages, and only the data protection
// officer exports it, as CSV safe to open in a spreadsheet.
func TestDisclosureLogRecordsFiltersAndExports(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	var ref string
	if err := s.DB.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	oc, ocsrf := sessionAs(t, s, officer.ID, auth.StageFull)
	dc, _ := sessionAs(t, s, dpo.ID, auth.StageFull)

	if resp, doc := oc.Get(t, "/disclosures/new"); resp.StatusCode != http.StatusOK || doc.Find(`input[name="recipient_kind"]`).Length() < 5 {
		t.Fatalf("new disclosure form: status %d", resp.StatusCode)
	}
	resp, doc := oc.Post(t, "/disclosures", form(ocsrf))
	links := summaryLinks(doc)
	for _, f := range []string{"#disclosed_on", "#recipient_kind", "#recipient_name", "#what", "#lawful_basis"} {
		if links[f] == "" {
			t.Errorf("empty form: no message for %s in %v", f, links)
		}
	}
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty form: status %d", resp.StatusCode)
	}
	bad := []struct {
		name  string
		kv    []string
		field string
	}{
		{"unknown provider", []string{"supplier_ref", "SUP0"}, "#supplier_ref"},
		{"control characters", []string{"what", "names\x00and\x07more"}, "#what"},
		{"basis needing a law", []string{"lawful_basis", "legal_obligation"}, "#lawful_basis_detail"},
		{"a kind not offered", []string{"recipient_kind", "newspaper"}, "#recipient_kind"},
	}
	for _, b := range bad {
		resp, doc := oc.Post(t, "/disclosures", disclosureForm(ocsrf, b.kv...))
		if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)[b.field] == "" {
			t.Errorf("%s: status %d, summary %v", b.name, resp.StatusCode, summaryLinks(doc))
		}
		if v, _ := inputValue(doc, "recipient_name"); v != "Metropolitan Police, CAIT" {
			t.Errorf("%s: the body's name was not kept (%q)", b.name, v)
		}
	}
	resp, _ = oc.Post(t, "/disclosures", disclosureForm(ocsrf, "supplier_ref", strings.ToLower(ref), "what", "=HYPERLINK(\"http://evil\")",
		"their_reference", "CAIT/2026/17"))
	loc := location(t, resp)
	_, doc = oc.Get(t, loc.Path)
	detail := doc.Find("[data-disclosure-detail]").Text()
	for _, want := range []string{"Metropolitan Police, CAIT", ref, "Acorn Fostering Ltd", "Prevention or detection of crime", "CAIT/2026/17", "Test Olive"} {
		if !strings.Contains(detail, want) {
			t.Errorf("the disclosure page does not show %q: %s", want, detail)
		}
	}

	// 30 older disclosures to Ofsted: the log pages 25 at a time, newest first.
	if _, err := s.DB.Exec(`INSERT INTO disclosures (disclosed_on, recipient_kind, recipient_name, what, lawful_basis, recorded_by_name)
		SELECT current_date - g, 'ofsted', 'Ofsted ' || g, 'Inspection evidence ' || g, 'public_task', 'Test Olive' FROM generate_series(1, 30) g`); err != nil {
		t.Fatal(err)
	}
	_, doc = oc.Get(t, "/disclosures")
	rows := doc.Find("[data-disclosures] tbody tr")
	if rows.Length() != 25 || !strings.Contains(rows.First().Text(), "Metropolitan Police") || doc.Find(`a[rel="next"]`).Length() != 1 {
		t.Errorf("first page: %d rows, first %q", rows.Length(), rows.First().Text())
	}
	if doc.Find("[data-export]").Length() != 0 {
		t.Error("an officer is offered the export")
	}
	_, doc = oc.Get(t, doc.Find(`a[rel="next"]`).AttrOr("href", ""))
	if n := doc.Find("[data-disclosures] tbody tr").Length(); n != 6 {
		t.Errorf("second page: %d rows, want 6", n)
	}
	filters := []struct {
		query string
		want  int
	}{
		{"?recipient_kind=police", 1},
		{"?recipient_kind=ofsted", 25},
		{"?q=inspection+evidence+7", 1},
		{"?supplier_ref=" + ref, 1},
		{"?lawful_basis=crime", 1},
		{"?from-day=1&from-month=1&from-year=2000&to-day=1&to-month=1&to-year=2001", 0},
	}
	for _, f := range filters {
		resp, doc := oc.Get(t, "/disclosures"+f.query)
		if n := doc.Find("[data-disclosures] tbody tr").Length(); resp.StatusCode != http.StatusOK || n != f.want {
			t.Errorf("%s: status %d, %d rows, want %d", f.query, resp.StatusCode, n, f.want)
		}
	}
	for _, q := range []string{"?from-day=40&from-month=1&from-year=2026", "?recipient_kind=press", "?from-day=2&from-month=1&from-year=2026&to-day=1&to-month=1&to-year=2026"} {
		if resp, doc := oc.Get(t, "/disclosures"+q); resp.StatusCode != http.StatusUnprocessableEntity || len(summaryLinks(doc)) == 0 {
			t.Errorf("%s: status %d, summary %v", q, resp.StatusCode, summaryLinks(doc))
		}
	}

	if resp, _ := oc.Get(t, "/disclosures/export"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("officer export: status %d, want 403", resp.StatusCode)
	}
	_, doc = dc.Get(t, "/disclosures?recipient_kind=police")
	exportURL := doc.Find("[data-export]").AttrOr("href", "")
	if exportURL != "/disclosures/export?recipient_kind=police" {
		t.Fatalf("export link %q", exportURL)
	}
	resp, err := dc.Client.Get(dc.Base + exportURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 2 || records[0][2] != "Body" || records[1][2] != "Metropolitan Police, CAIT" {
		t.Fatalf("export rows: %v", records)
	}
	if !strings.HasPrefix(records[1][3], "'=") {
		t.Errorf("what was shared %q is not neutralised against formula injection", records[1][3])
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'privacy.disclosures.export.completed'
		AND summary->'filters'->>'recipient_kind' = 'police' AND (summary->>'rows')::int = 1 AND actor_id = $1`, dpo.ID); n != 1 {
		t.Errorf("%d completed exports audited, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'privacy.disclosure.recorded' AND actor_id = $1`, officer.ID); n != 1 {
		t.Errorf("%d disclosures audited, want 1", n)
	}
}
