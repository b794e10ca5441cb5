package browsertest_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// sarJourneySubject puts a provider user in the records a subject access search covers: a
// contact in their organisation's record (beside someone else), a DBS record, a document
// they uploaded and an email to them. It returns the document's contents.
func sarJourneySubject(t *testing.T, s *webtest.Server, u *webtest.TestUser, orgID string) []byte {
	t.Helper()
	contacts, err := json.Marshal(provider.ContactsAnswers{KeyContactName: u.Name, KeyContactRole: "Director", KeyContactEmail: u.Email,
		KeyContactPhone: "07700900123", Others: []provider.Contact{{Name: "Robin Other", Role: "Finance", Email: "robin.other@example.com", Phone: "01632960999"}}})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := json.Marshal(provider.SafeguardingAnswers{Staff: []provider.StaffMember{{Name: u.Name, Role: "Manager", Level: "enhanced",
		CertificateSealed: "v1:sealed-number", CertificateLast4: "2468", UpdateService: "no", LastCheckResult: "not_checked", Ref: "r1"}}})
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("%PDF-1.4\nPublic liability certificate of " + u.Email + "\n%%EOF\n")
	sum := sha256.Sum256(content)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, 'contacts', $2, $2), ($1, 'safeguarding', $3, NULL)`,
			[]any{orgID, contacts, staff}},
		{`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content, uploaded_by)
			VALUES ($1, 'insurance', 'public-liability.pdf', 'application/pdf', $2, $3, $4, $5)`, []any{orgID, len(content), sum[:], content, u.ID}},
		{`INSERT INTO outbox (to_address, subject, body, kind) VALUES ($1, 'Your record was approved', 'Approved.', 'provider_decision')`, []any{u.Email}},
	} {
		if _, err := s.DB.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	return content
}

// TestSubjectAccessJourney: the data protection officer registers a subject access request
// (a mistake put right on the way), finds everything held about the person, downloads the
// export and checks what it holds, sees the disclosure logged and closes the request; then
// drafts and previews a new privacy notice. The list, the request, the results and the
// preview are scanned with axe.
func TestSubjectAccessJourney(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	other := s.CreateUser(t, "sam@birch.example", []auth.Role{auth.RoleProvider}, s.NewOrganisation(t, "Birchwood Care"))
	patDocument := sarJourneySubject(t, s, pat, org)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	tab := browsertest.NewTab(t, b)
	browsertest.SignIn(t, tab, s.URL, dpo)

	var requestPath string
	var zipBytes []byte
	halted := false
	step := func(name string, fn func(t *testing.T)) {
		t.Helper()
		if halted {
			return
		}
		finished := false
		t.Run(name, func(t *testing.T) {
			fn(t)
			finished = true
		})
		halted = !finished
	}
	open := func(t *testing.T, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d%s", path, got, errorSummary(t, tab))
		}
	}

	step("registers a request, putting a mistake right", func(t *testing.T) {
		open(t, "/")
		press(t, tab, `nav a[href="/dpo/sar"]`, http.StatusOK, "/dpo/sar")
		browsertest.AssertAccessible(t, tab)
		press(t, tab, `main a[href="/dpo/sar/new"]`, http.StatusOK, "/dpo/sar/new")
		received := time.Now().AddDate(0, 0, -2)
		values := map[string]string{"requester_name": pat.Name, "requester_email": "pat at acorn", "requester_phone": "07700 900 123"}
		dateInto(values, "received_on", received)
		browsertest.Fill(t, tab, values)
		press(t, tab, `form[data-sar-form] button[type="submit"]`, http.StatusUnprocessableEntity, "/dpo/sar")
		for _, id := range []string{"requester_email", "identity_method"} {
			assertSummaryLinks(t, tab, id)
		}
		browsertest.AssertAccessible(t, tab)
		browsertest.Fill(t, tab, map[string]string{"requester_email": pat.Email, "identity_notes": "Asked from the address on their account"})
		tick(t, tab, "identity_method", "known_email")
		browsertest.Click(t, tab, `form[data-sar-form] button[type="submit"]`)
		requestPath = browsertest.Location(t, tab).Path
		if !strings.HasPrefix(requestPath, "/dpo/sar/") || browsertest.Count(t, tab, "[data-sar]") != 1 {
			t.Fatalf("after registering the browser is on %s%s", requestPath, errorSummary(t, tab))
		}
		due := sarJourneyMonthLater(received)
		if got := browsertest.Text(t, tab, "[data-due]"); got != due.Format("2 January 2006") {
			t.Errorf("due date shown %q, want %s", got, due.Format("2 January 2006"))
		}
		if got := browsertest.Text(t, tab, "[data-deadline]"); !strings.HasSuffix(got, "days left") {
			t.Errorf("deadline shown %q", got)
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("searches for everything held about them", func(t *testing.T) {
		if got := journeyValue(t, tab, "search_email"); got != pat.Email {
			t.Errorf("the search starts from the requester's email %q, want %q", got, pat.Email)
		}
		press(t, tab, `form[data-search-form] button[type="submit"]`, http.StatusOK, requestPath+"/search")
		for category, want := range map[string]string{"user_accounts": "1", "provider_contacts": "1", "dbs_records": "1", "documents": "1", "emails_sent": "1"} {
			if got := browsertest.Text(t, tab, `[data-category="`+category+`"] [data-count]`); got != want {
				t.Errorf("%s: %s found, want %s", category, got, want)
			}
		}
		if got := browsertest.Text(t, tab, "main"); strings.Contains(got, other.Email) || strings.Contains(got, "Robin Other") {
			t.Error("the results show someone else")
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("decides on every record before exporting", func(t *testing.T) {
		if n := browsertest.Count(t, tab, `form[data-decisions-form] input:checked`); n != 0 {
			t.Errorf("%d choices are made before the handler made any", n)
		}
		press(t, tab, `form[data-export-form] button[data-export]`, http.StatusUnprocessableEntity, requestPath+"/export")
		assertSummaryLinks(t, tab, "decisions")
		browsertest.AssertAccessible(t, tab)
		hits := browsertest.Count(t, tab, `form[data-decisions-form] input[type="radio"][value="include"]`)
		if hits < 5 {
			t.Fatalf("%d records to decide on, want at least 5", hits)
		}
		for i := range hits {
			tick(t, tab, fmt.Sprintf("hit-%d-decision", i), "include")
		}
		press(t, tab, `form[data-decisions-form] button[data-save-decisions]`, http.StatusOK, requestPath+"/search")
		if browsertest.Count(t, tab, "[data-all-decided]") != 1 || browsertest.Count(t, tab, `[data-decided="include"]`) != hits {
			t.Fatalf("after deciding the page shows %d included of %d", browsertest.Count(t, tab, `[data-decided="include"]`), hits)
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("downloads the export and checks what it holds", func(t *testing.T) {
		zipBytes = browsertest.Download(t, tab, `form[data-export-form] button[data-export]`)
		zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
		if err != nil {
			t.Fatalf("the download is not a ZIP file: %v", err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		summary := string(files["summary.html"])
		for _, want := range []string{pat.Name, pat.Email, "Acorn Fostering Ltd", "••••2468", "Your record was approved", "documents/01-public-liability.pdf"} {
			if !strings.Contains(summary, want) {
				t.Errorf("summary.html does not show %q", want)
			}
		}
		for _, banned := range []string{"<script", "<link", "src=", other.Email, "Robin Other", "sealed-number"} {
			if strings.Contains(summary, banned) || strings.Contains(string(files["data.json"]), banned) {
				t.Errorf("the export holds %q", banned)
			}
		}
		var data struct {
			Users []struct {
				Email string `json:"email"`
			} `json:"user_accounts"`
			Contacts []struct {
				HeldIn []string `json:"held_in"`
			} `json:"provider_contacts"`
			Documents []struct {
				Path   string `json:"file_in_export"`
				SHA256 string `json:"sha256"`
			} `json:"documents"`
		}
		if err := json.Unmarshal(files["data.json"], &data); err != nil {
			t.Fatalf("data.json: %v", err)
		}
		if len(data.Users) != 1 || data.Users[0].Email != pat.Email || len(data.Contacts) != 1 || len(data.Contacts[0].HeldIn) != 2 || len(data.Documents) != 1 {
			t.Fatalf("data.json: %+v", data)
		}
		sum := sha256.Sum256(patDocument)
		if !bytes.Equal(files[data.Documents[0].Path], patDocument) || data.Documents[0].SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s in the export is not the document uploaded", data.Documents[0].Path)
		}
	})

	step("sees the disclosure logged and closes the request", func(t *testing.T) {
		open(t, requestPath)
		zipSum := sha256.Sum256(zipBytes)
		if got := browsertest.Text(t, tab, "[data-disclosures] [data-sha256]"); got != hex.EncodeToString(zipSum[:]) {
			t.Errorf("the disclosure log shows SHA-256 %q, want the downloaded file's", got)
		}
		tick(t, tab, "close_outcome", "disclosed")
		if got := journeyValue(t, tab, "closed_on-day"); got != strconv.Itoa(time.Now().Day()) {
			t.Errorf("the closing date starts as day %q, want today", got)
		}
		press(t, tab, `form[data-close-form] button[type="submit"]`, http.StatusOK, requestPath)
		if got := browsertest.Text(t, tab, "[data-outcome]"); got != "Information disclosed in full" {
			t.Errorf("outcome shown %q", got)
		}
		if got := browsertest.Text(t, tab, "[data-deadline]"); got != "Closed" {
			t.Errorf("deadline shown %q after closing", got)
		}
		browsertest.AssertAccessible(t, tab)
		open(t, "/dpo/sar?status=closed")
		if browsertest.Count(t, tab, "[data-sar-row]") != 1 {
			t.Error("the closed request is not listed with the closed ones")
		}
		browsertest.AssertAccessible(t, tab)
	})

	step("drafts a privacy notice and previews it", func(t *testing.T) {
		open(t, "/dpo/notices")
		browsertest.AssertAccessible(t, tab)
		press(t, tab, `main a[data-new-draft]`, http.StatusOK, "/dpo/notices/new")
		values := map[string]string{"title": "Privacy notice for care providers (revised)"}
		dateInto(values, "effective_from", time.Now().AddDate(0, 0, 7))
		browsertest.Fill(t, tab, values)
		browsertest.Click(t, tab, `form[data-notice-form] button[type="submit"]`)
		if browsertest.Count(t, tab, "[data-preview]") != 1 {
			t.Fatalf("after saving the draft the browser is on %s%s", browsertest.Location(t, tab).Path, errorSummary(t, tab))
		}
		if got := journeyAttr(t, tab, "[data-notice-version]", "data-notice-version"); got != "2" {
			t.Errorf("the preview shows version %q, want 2", got)
		}
		if h := journeyTexts(t, tab, "[data-notice-body] h2"); len(h) == 0 || h[0] != "What we collect" {
			t.Errorf("the preview's headings: %q", h)
		}
		browsertest.AssertAccessible(t, tab)
	})
}

// sarJourneyMonthLater is the same day a calendar month later, or the last day of that
// month when it is shorter: worked out here, apart from the code under test.
func sarJourneyMonthLater(d time.Time) time.Time {
	if last := time.Date(d.Year(), d.Month()+2, 0, 0, 0, 0, 0, time.UTC); d.Day() > last.Day() {
		return last
	}
	return time.Date(d.Year(), d.Month()+1, d.Day(), 0, 0, 0, 0, time.UTC)
}

// TestRightsPagesAreAccessible scans the other pages of people's rights, as they are seen,
// with and without errors: the notice form and reports, and the correction pages of the
// provider and of staff. Each case has its own tab and user.
func TestRightsPagesAreAccessible(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	var noticeID string
	if err := s.DB.Get(&noticeID, `SELECT id FROM privacy_notices WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		role  auth.Role
		steps func(t *testing.T, tab context.Context)
	}{
		{"notice form with errors, reports", auth.RoleDPO, func(t *testing.T, tab context.Context) {
			browsertest.Open(t, tab, s.URL+"/dpo/notices/new")
			browsertest.Fill(t, tab, map[string]string{"title": "", "effective_from-day": "31", "effective_from-month": "2", "effective_from-year": "2026"})
			press(t, tab, `form[data-notice-form] button[type="submit"]`, http.StatusUnprocessableEntity, "/dpo/notices")
			browsertest.AssertAccessible(t, tab)
			for _, path := range []string{"/dpo/notices/" + noticeID, "/dpo/notices/" + noticeID + "/acknowledgements", "/dpo/notices/outstanding"} {
				if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
					t.Fatalf("GET %s: %d", path, got)
				}
				browsertest.AssertAccessible(t, tab)
			}
		}},
		{"provider asks for a correction", auth.RoleProvider, func(t *testing.T, tab context.Context) {
			browsertest.Open(t, tab, s.URL+"/rectification")
			browsertest.AssertAccessible(t, tab)
			press(t, tab, `main a[data-new-correction]`, http.StatusOK, "/rectification/new")
			press(t, tab, `form[data-correction-form] button[type="submit"]`, http.StatusUnprocessableEntity, "/rectification")
			assertSummaryLinks(t, tab, "what_is_wrong")
			browsertest.AssertAccessible(t, tab)
			browsertest.Fill(t, tab, map[string]string{"location": "My account", "what_is_wrong": "Acorn Fostring", "should_say": "Acorn Fostering Ltd"})
			browsertest.Click(t, tab, `form[data-correction-form] button[type="submit"]`)
			if browsertest.Count(t, tab, `[data-status="open"]`) != 1 {
				t.Fatalf("after asking the browser is on %s%s", browsertest.Location(t, tab).Path, errorSummary(t, tab))
			}
			browsertest.AssertAccessible(t, tab)
		}},
		{"officer handles a correction", auth.RoleOfficer, func(t *testing.T, tab context.Context) {
			var id string
			if err := s.DB.Get(&id, `INSERT INTO rectification_requests (requester_name, requester_email, organisation_id, location, what_is_wrong, should_say)
				VALUES ('Pat Smith', 'pat@acorn.example', $1, 'Review comment', 'Wrong date', '3 March') RETURNING id`, org); err != nil {
				t.Fatal(err)
			}
			browsertest.Open(t, tab, s.URL+"/rectification-requests")
			browsertest.AssertAccessible(t, tab)
			browsertest.Open(t, tab, s.URL+"/rectification-requests/"+id)
			tick(t, tab, "status", "resolved")
			press(t, tab, `form[data-decision-form] button[type="submit"]`, http.StatusUnprocessableEntity, "/rectification-requests/"+id)
			assertSummaryLinks(t, tab, "outcome")
			browsertest.AssertAccessible(t, tab)
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			orgID := ""
			if tc.role == auth.RoleProvider {
				orgID = org
			}
			u := s.CreateUser(t, "rights"+strconv.Itoa(i)+"@example.gov.uk", []auth.Role{tc.role}, orgID)
			tab := browsertest.NewTab(t, b)
			browsertest.SignIn(t, tab, s.URL, u)
			tc.steps(t, tab)
		})
	}
}
