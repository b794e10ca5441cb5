package web_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// sarSeedPerson puts a provider user in the records a search covers: their organisation's
// contacts (with someone else beside them), a DBS record, a document they uploaded and an
// email to them. It returns the document's contents.
func sarSeedPerson(t *testing.T, s *webtest.Server, u *webtest.TestUser, orgID, phone string) []byte {
	t.Helper()
	contacts, err := json.Marshal(provider.ContactsAnswers{KeyContactName: u.Name, KeyContactRole: "Director", KeyContactEmail: u.Email,
		KeyContactPhone: phone, Others: []provider.Contact{{Name: "Robin Other", Role: "Finance", Email: "robin.other@example.com", Phone: "01632960999"}}})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := json.Marshal(provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Name: u.Name, Role: "Manager", Level: "enhanced",
		CertificateSealed: "v1:sealed", CertificateLast4: "2468", UpdateService: "no", LastCheckResult: "not_checked", Ref: "r1"}}})
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("%PDF-1.4\n" + u.Email + "'s certificate\n%%EOF\n")
	sum := sha256.Sum256(content)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO provider_sections (organisation_id, section, data) VALUES ($1, 'contacts', $2), ($1, 'safeguarding', $3)`, []any{orgID, contacts, staff}},
		{`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content, uploaded_by)
			VALUES ($1, 'insurance', 'certificate.pdf', 'application/pdf', $2, $3, $4, $5)`, []any{orgID, len(content), sum[:], content, u.ID}},
		{`INSERT INTO outbox (to_address, subject, body, kind) VALUES ($1, 'Welcome', 'Hello', 'welcome')`, []any{u.Email}},
	} {
		if _, err := s.DB.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return content
}

// TestSARRegisterSearchExportClose walks a subject access request over HTTP: registered
// (refused first, input kept), its deadline shown and extended, the person searched for
// (audited), the export downloaded and opened, the disclosure logged with the ZIP's
// SHA-256, and the request closed, after which nothing more can be exported.
func TestSARRegisterSearchExportClose(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	acorn := s.NewOrganisation(t, "Acorn Fostering Ltd")
	birch := s.NewOrganisation(t, "Birchwood Care")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, acorn)
	sam := s.CreateUser(t, "sam@birch.example", []auth.Role{auth.RoleProvider}, birch)
	patDoc := sarSeedPerson(t, s, pat, acorn, "07700900123")
	sarSeedPerson(t, s, sam, birch, "07700900456")
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c := s.SignIn(t, dpo, 0)

	received := time.Now().AddDate(0, 0, -3)
	bad := dpoDateForm(url.Values{"requester_name": {pat.Name}, "requester_email": {"pat at acorn"}}, "received_on", time.Now().AddDate(0, 0, 2))
	resp, doc := c.Submit(t, "/dpo/sar/new", "/dpo/sar", bad)
	links := summaryLinks(doc)
	if resp.StatusCode != http.StatusUnprocessableEntity || links["#requester_email"] == "" || links["#identity_method"] == "" || links["#received_on"] == "" {
		t.Fatalf("bad registration: %d, summary %v", resp.StatusCode, links)
	}
	if v, _ := inputValue(doc, "requester_name"); v != pat.Name {
		t.Errorf("the name typed was not kept: %q", v)
	}
	good := dpoDateForm(url.Values{"requester_name": {pat.Name}, "requester_email": {pat.Email}, "requester_phone": {"07700 900 123"},
		"identity_method": {"known_email"}, "identity_notes": {"Asked from the address on their account"}}, "received_on", received)
	resp, _ = c.Submit(t, "/dpo/sar/new", "/dpo/sar", good)
	page := location(t, resp).Path
	id := strings.TrimPrefix(page, "/dpo/sar/")
	_, doc = c.Get(t, page)
	wantDue := sarAddMonths(received, 1)
	if got := cellText(doc.Find("[data-due]")); got != wantDue.Format("2 January 2006") {
		t.Errorf("due %q, want %s", got, wantDue.Format("2 January 2006"))
	}
	_, list := c.Get(t, "/dpo/sar")
	if row := list.Find("[data-sar-row]"); row.Length() != 1 || !strings.Contains(cellText(row.Find("[data-deadline]")), "days left") {
		t.Errorf("list: %q", cellText(row))
	}

	// Extend by a month, with the reason.
	version := doc.Find(`form[data-extend-form] input[name="version"]`).AttrOr("value", "")
	resp, _ = c.Submit(t, page, page+"/extend", url.Values{"extend_months": {"1"}, "extend_reason": {"Records at two providers"}, "version": {version}})
	location(t, resp)
	_, doc = c.Get(t, page)
	if got := cellText(doc.Find("[data-due]")); !strings.HasPrefix(got, sarAddMonths(received, 2).Format("2 January 2006")) || doc.Find("[data-extensions] tbody tr").Length() != 1 {
		t.Errorf("after extending: due %q", got)
	}
	if opts := doc.Find(`input[name="extend_months"]`).Length(); opts != 1 {
		t.Errorf("after one month's extension %d choices are offered, want 1 (one month more)", opts)
	}

	// Searching with nothing to search for is refused beside the form.
	resp, doc = c.Get(t, page+"/search?search_email=&search_name=&search_phone=")
	if v, _ := inputValue(doc, "search_email"); resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#search_email"] == "" || v != "" {
		t.Errorf("empty search: %d, %v, the email field holds %q", resp.StatusCode, summaryLinks(doc), v)
	}
	q := url.Values{"search_email": {pat.Email}, "search_name": {pat.Name}, "search_phone": {"07700900123"}}
	resp, doc = c.Get(t, page+"/search?"+q.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d", resp.StatusCode)
	}
	counts := map[string]string{}
	doc.Find("[data-category]").Each(func(_ int, row *goquery.Selection) {
		counts[row.AttrOr("data-category", "")] = cellText(row.Find("[data-count]"))
	})
	for k, want := range map[string]string{"user_accounts": "1", "provider_contacts": "1", "dbs_records": "1", "documents": "1", "emails_sent": "1"} {
		if counts[k] != want {
			t.Errorf("search found %s %s, want %s", counts[k], k, want)
		}
	}
	if n, _ := doc.Html(); strings.Contains(n, sam.Email) || strings.Contains(n, "Robin Other") {
		t.Error("the results show someone else")
	}
	if got := cellText(doc.Find(`[data-hit-category="dbs_records"] [data-field="certificate"]`)); got != "••••2468" {
		t.Errorf("certificate shown as %q", got)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'sar.search' AND object_id = $1 AND actor_email = $2`, id, dpo.Email); n != 1 {
		t.Errorf("search audited %d times", n)
	}

	// Every record is about Pat: the handler includes each, then exports.
	resp, _ = sarDecide(t, c, doc, func(*goquery.Selection) (string, []string) { return "include", nil })
	_, doc = c.Get(t, location(t, resp).RequestURI())
	if doc.Find("[data-all-decided]").Length() != 1 {
		t.Fatalf("after deciding on everything: %q", cellText(doc.Find("[data-undecided-count]")))
	}
	// The export, as the button on the results page sends it.
	exportForm := doc.Find("form[data-export-form]")
	values := url.Values{}
	exportForm.Find("input").Each(func(_ int, in *goquery.Selection) { values.Set(in.AttrOr("name", ""), in.AttrOr("value", "")) })
	zipBytes := sarDownload(t, c, exportForm.AttrOr("action", ""), values)
	files := sarUnzip(t, zipBytes)
	if !strings.Contains(string(files["summary.html"]), pat.Name) || strings.Contains(string(files["summary.html"]), sam.Email) {
		t.Error("summary.html does not show Pat, or shows Sam")
	}
	var data struct {
		Users []struct {
			Email string `json:"email"`
		} `json:"user_accounts"`
		Documents []struct {
			Path   string `json:"file_in_export"`
			SHA256 string `json:"sha256"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(files["data.json"], &data); err != nil || len(data.Users) != 1 || data.Users[0].Email != pat.Email || len(data.Documents) != 1 {
		t.Fatalf("data.json: %+v (%v)", data, err)
	}
	docSum := sha256.Sum256(patDoc)
	if got := files[data.Documents[0].Path]; !bytes.Equal(got, patDoc) || data.Documents[0].SHA256 != hex.EncodeToString(docSum[:]) {
		t.Errorf("the document in the export is not the one uploaded")
	}
	zipSum := sha256.Sum256(zipBytes)
	var logged string
	if err := s.DB.Get(&logged, `SELECT sha256 FROM sar_disclosures WHERE request_id = $1 AND completed_at IS NOT NULL AND by_name = $2`, id, dpo.Name); err != nil ||
		logged != hex.EncodeToString(zipSum[:]) {
		t.Errorf("disclosure logged with %q (%v), want the ZIP's SHA-256", logged, err)
	}
	_, doc = c.Get(t, page)
	if got := cellText(doc.Find("[data-disclosures] [data-sha256]")); got != hex.EncodeToString(zipSum[:]) {
		t.Errorf("the request page shows the disclosure's SHA-256 as %q", got)
	}

	// Close it; then nothing more goes out.
	version = doc.Find(`form[data-close-form] input[name="version"]`).AttrOr("value", "")
	resp, _ = c.Submit(t, page, page+"/close", dpoDateForm(url.Values{"close_outcome": {"disclosed"}, "version": {version}}, "closed_on", time.Now()))
	location(t, resp)
	_, doc = c.Get(t, page)
	if got := cellText(doc.Find("[data-outcome]")); got != "Information disclosed in full" || doc.Find("form[data-close-form]").Length() != 0 {
		t.Errorf("closed request shows outcome %q", got)
	}
	values.Set("_csrf", c.CSRF(t, page))
	resp, err := c.Client.PostForm(c.Base+exportForm.AttrOr("action", ""), values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("export after closing: %d, want 409", resp.StatusCode)
	}
}

// sarDecide posts the review form on a results page, choosing for each record (its
// [data-hit] card) a decision ("" for none) and the details to redact.
func sarDecide(t *testing.T, c *webtest.Client, doc *goquery.Document, choose func(card *goquery.Selection) (string, []string)) (*http.Response, *goquery.Document) {
	t.Helper()
	f := doc.Find("form[data-decisions-form]")
	if f.Length() != 1 {
		t.Fatal("the results page has no decisions form")
	}
	values := url.Values{}
	f.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) { values.Set(in.AttrOr("name", ""), in.AttrOr("value", "")) })
	f.Find("[data-hit]").Each(func(_ int, card *goquery.Selection) {
		decision, redact := choose(card)
		radio := card.Find(`input[type="radio"]`).First().AttrOr("name", "")
		if decision != "" {
			values.Set(radio, decision)
		}
		for _, r := range redact {
			values.Add(strings.TrimSuffix(radio, "decision")+"redact", r)
		}
	})
	return c.Post(t, f.AttrOr("action", ""), values)
}

// sarAddMonths is a calendar month later, or the month's last day: independent of the
// code under test, for the dates the test picks.
func sarAddMonths(d time.Time, n int) time.Time {
	first := time.Date(d.Year(), d.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1)
	if d.Day() > last.Day() {
		return last
	}
	return time.Date(first.Year(), first.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// sarDownload posts the export form and returns the ZIP.
func sarDownload(t *testing.T, c *webtest.Client, action string, values url.Values) []byte {
	t.Helper()
	resp, err := c.Client.PostForm(c.Base+action, values)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), ".zip") {
		t.Fatalf("export: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	return b
}

// sarUnzip returns a ZIP's files by name.
func sarUnzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = content
	}
	for _, name := range []string{"summary.html", "data.json"} {
		if _, ok := out[name]; !ok {
			t.Errorf("the export has no %s", name)
		}
	}
	return out
}

// TestSARPagesRefuseBadInput: hostile or malformed values give a 4xx with a message,
// never a 500, and change nothing.
func TestSARPagesRefuseBadInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	var id string
	if err := s.DB.Get(&id, `INSERT INTO sar_requests (requester_name, identity_method, received_on, due_on)
		VALUES ('Pat', 'photo_id', current_date, current_date + 30) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		values       url.Values
	}{
		{"POST", "/dpo/sar", form(csrf, "requester_name", "Pat\x00", "received_on-day", "99999")},
		{"POST", "/dpo/sar", form(csrf, "requester_name", strings.Repeat("x", 20000))},
		{"POST", "/dpo/sar/" + id + "/extend", form(csrf, "extend_months", "-1", "extend_reason", "x", "version", "1")},
		{"POST", "/dpo/sar/" + id + "/extend", form(csrf, "extend_months", "1", "extend_reason", "x", "version", "not a number")},
		{"POST", "/dpo/sar/" + id + "/close", form(csrf, "close_outcome", "<script>", "version", "1")},
		{"POST", "/dpo/sar/" + id + "/export", form(csrf, "search_email", "not-an-email")},
		{"POST", "/dpo/sar/not-a-uuid/close", form(csrf, "close_outcome", "disclosed", "version", "1")},
		{"GET", "/dpo/sar/" + id + "/search?search_phone=" + url.QueryEscape("'; DROP TABLE users; --"), nil},
		{"GET", "/dpo/sar/" + id + "/search?search_name=" + url.QueryEscape(strings.Repeat("n", 300)), nil},
		{"GET", "/dpo/sar/" + id + "/search?search_name=Pat%00Smith", nil},
		{"GET", "/dpo/sar/" + id + "/search?search_email=%ff%fe", nil},
		{"POST", "/dpo/sar/" + id + "/export", form(csrf, "search_name", "Pat\x00")},
		{"GET", "/dpo/sar?status=%00&page=-4", nil},
	}
	for _, tt := range tests {
		var resp *http.Response
		if tt.method == "GET" {
			resp, _ = c.Get(t, tt.path)
		} else {
			resp, _ = c.Post(t, tt.path, tt.values)
		}
		if resp.StatusCode >= 500 || (tt.path != "/dpo/sar?status=%00&page=-4" && resp.StatusCode < 400) {
			t.Errorf("%s %s: %d, want a 4xx", tt.method, tt.path, resp.StatusCode)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sar_requests WHERE version > 1 OR status <> 'open'`) + count(t, s, `SELECT count(*) FROM sar_disclosures`); n != 0 {
		t.Errorf("refused requests changed %d rows", n)
	}
}
