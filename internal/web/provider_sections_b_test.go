package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/vault"
	"github.com/council/provider-portal/internal/webtest"
)

// Tests of the insurance (with certificate uploads), regulation, safeguarding, health and
// safety and declarations sections, document downloads, and submitting a whole record,
// through the real app and database. Helpers end in "B" so they do not clash with other
// sections' test files.

// startSectionsB starts the portal with one provider organisation and a signed-in member.
func startSectionsB(t *testing.T) (*webtest.Server, string, *webtest.Client) {
	t.Helper()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	return s, org, s.SignIn(t, u, 0)
}

// sectionDataB returns a section's stored JSON, "" when it has not been saved.
func sectionDataB(t *testing.T, s *webtest.Server, org, key string) string {
	t.Helper()
	var data []string
	if err := s.DB.Select(&data, `SELECT data::text FROM provider_sections WHERE organisation_id = $1 AND section = $2`, org, key); err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return ""
	}
	return data[0]
}

// pageVersionB is the version the section's question page carries in its form.
func pageVersionB(t *testing.T, c *webtest.Client, key string) string {
	t.Helper()
	resp, doc := c.Get(t, "/provider/sections/"+key)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s page: status %d", key, resp.StatusCode)
	}
	v, ok := doc.Find(`form input[name="version"]`).Attr("value")
	if !ok {
		t.Fatalf("%s page: no version in the form", key)
	}
	return v
}

// postSectionB posts a section form (urlencoded, as a browser sends a form without files),
// with the CSRF token and, unless given, the version its page shows.
func postSectionB(t *testing.T, c *webtest.Client, key string, values url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	if !values.Has("version") {
		values.Set("version", pageVersionB(t, c, key))
	}
	return c.Submit(t, "/provider", "/provider/sections/"+key, values)
}

// postInsuranceB posts the insurance form with its files, as the page's multipart form does.
func postInsuranceB(t *testing.T, c *webtest.Client, values url.Values, files ...fileUpload) (*http.Response, *goquery.Document) {
	t.Helper()
	if !values.Has("version") {
		values.Set("version", pageVersionB(t, c, "insurance"))
	}
	if !values.Has("action") {
		values.Set("action", "save")
	}
	return postMultipart(t, c, "/provider", "/provider/sections/insurance", values, files...)
}

// wantFieldErrorsB checks a refused save: the status, and an error summary linking to each
// field with a message holding the wanted text, shown beside the field too.
func wantFieldErrorsB(t *testing.T, resp *http.Response, doc *goquery.Document, want map[string]string) {
	t.Helper()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422; errors %v", resp.StatusCode, summaryLinks(doc))
	}
	links := summaryLinks(doc)
	for field, part := range want {
		msg, ok := links["#"+field]
		if !ok {
			t.Errorf("no error summary link to #%s; links %v", field, links)
			continue
		}
		if !strings.Contains(msg, part) {
			t.Errorf("#%s: %q, want it to contain %q", field, msg, part)
		}
		if doc.Find("#"+field).Length() == 0 {
			t.Errorf("the summary links to #%s, which is not on the page", field)
		}
		if beside := doc.Find("#" + field + "-error").Text(); !strings.Contains(beside, part) {
			t.Errorf("message beside #%s: %q", field, beside)
		}
	}
}

func withB(v url.Values, kv ...string) url.Values {
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// certificatesWithB is the three PDF certificates with the one for policy i replaced.
func certificatesWithB(i int, name string, content []byte) []fileUpload {
	files := fillCertificates()
	files[i].filename, files[i].content = name, content
	return files
}

var pngBytesB = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")

func TestSectionsBPagesRender(t *testing.T) {
	_, _, c := startSectionsB(t)
	for _, key := range []string{"insurance", "regulation", "safeguarding", "health-and-safety", "declarations"} {
		t.Run(key, func(t *testing.T) {
			resp, doc := c.Get(t, "/provider/sections/"+key)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			seen := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, el *goquery.Selection) {
				id := el.AttrOr("id", "")
				if seen[id] {
					t.Errorf("id %q is used twice", id)
				}
				seen[id] = true
			})
			doc.Find("form input, form textarea, form select").Each(func(_ int, in *goquery.Selection) {
				if typ := in.AttrOr("type", "text"); typ == "hidden" {
					return
				}
				id := in.AttrOr("id", "")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("input %q (%s) has no label of its own", id, in.AttrOr("name", ""))
				}
			})
			doc.Find(`form input[type="radio"], form input[type="checkbox"]`).Each(func(_ int, in *goquery.Selection) {
				if in.Closest("fieldset").Find("legend").Length() == 0 {
					t.Errorf("choice %q is not in a fieldset with a legend", in.AttrOr("name", ""))
				}
			})
			if doc.Find(`a[href="/privacy-notice"]`).Length() == 0 {
				t.Error("the page collects personal data but does not link to the privacy notice")
			}
			if key == "insurance" && doc.Find(`form[enctype="multipart/form-data"]`).Length() != 1 {
				t.Error("the insurance form cannot send files")
			}
		})
	}
}

func TestSectionsBInsuranceUploadsRefused(t *testing.T) {
	s, org, c := startSectionsB(t)
	oversized := make([]byte, document.MaxSize+1)
	copy(oversized, "%PDF-1.4\n")
	yearAgo, yesterday := time.Now().AddDate(-1, 0, 0), time.Now().AddDate(0, 0, -1)
	expired := fillInsuranceForm()
	fillDate(expired, "policies-2-start", yearAgo)
	fillDate(expired, "policies-2-expiry", yesterday)

	cases := []struct {
		name   string
		values url.Values
		files  []fileUpload
		want   map[string]string
	}{
		{"HTML named cert.pdf", fillInsuranceForm(), certificatesWithB(1, "cert.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")),
			map[string]string{"policies-1-certificate": "must be a PDF, PNG or JPEG"}},
		{"text named cert.pdf", fillInsuranceForm(), certificatesWithB(2, "cert.pdf", []byte("I promise this is a certificate")),
			map[string]string{"policies-2-certificate": "must be a PDF, PNG or JPEG"}},
		{"empty file", fillInsuranceForm(), certificatesWithB(0, "empty.pdf", nil),
			map[string]string{"policies-0-certificate": "empty"}},
		{"no certificates at all", fillInsuranceForm(), nil,
			map[string]string{"policies-0-certificate": "Upload the employer's liability certificate",
				"policies-1-certificate": "Upload the public liability certificate", "policies-2-certificate": "Upload the professional indemnity certificate"}},
		{"employer's liability under £5m", withB(fillInsuranceForm(), "policies-0-cover", "4,999,999"), fillCertificates(),
			map[string]string{"policies-0-cover": "must be at least £5,000,000"}},
		{"expired policy", expired, fillCertificates(),
			map[string]string{"policies-2-expiry": "has expired"}},
		{"exempt without a reason", withB(fillInsuranceForm(), "el_exempt", "yes"), fillCertificates(),
			map[string]string{"el_exempt_reason": "reason"}},
		{"cover not money", withB(fillInsuranceForm(), "policies-1-cover", "lots"), fillCertificates(),
			map[string]string{"policies-1-cover": "in pounds"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := postInsuranceB(t, c, tc.values, tc.files...)
			wantFieldErrorsB(t, resp, doc, tc.want)
			// Files that passed their own checks are kept as pending uploads, and nothing else.
			if docs, pending := count(t, s, `SELECT count(*) FROM documents`), count(t, s, `SELECT count(*) FROM provider_pending_uploads`); docs != pending {
				t.Errorf("a refused save left %d documents, of which %d are pending uploads", docs, pending)
			}
			if data := sectionDataB(t, s, org, "insurance"); data != "" {
				t.Errorf("a refused save stored the section: %s", data)
			}
			if got := doc.Find("#policies-0-insurer").AttrOr("value", ""); got != "Hiscox" {
				t.Errorf("the insurer typed was not kept: %q", got)
			}
			for i := 0; i < 3; i++ {
				field := fmt.Sprintf("policies-%d-certificate", i)
				shown := doc.Find(`[data-policy] #` + field + `-current[data-uploaded] a[href^="/documents/"]`).Length()
				refused := tc.want[field] != ""
				sent := slices.ContainsFunc(tc.files, func(f fileUpload) bool { return f.field == field })
				if shown != 0 && refused {
					t.Errorf("%s: the page shows a refused file as uploaded", field)
				}
				if shown != 1 && sent && !refused {
					t.Errorf("%s: a file that passed its checks is not shown as uploaded", field)
				}
			}
		})
	}

	t.Run("over 10 MB", func(t *testing.T) {
		resp, doc := postInsuranceB(t, c, fillInsuranceForm(), certificatesWithB(0, "big.pdf", oversized)...)
		switch resp.StatusCode {
		case http.StatusUnprocessableEntity:
			wantFieldErrorsB(t, resp, doc, map[string]string{"policies-0-certificate": "smaller than 10 MB"})
		case http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d, want 422 or 413", resp.StatusCode)
		}
		if docs, pending := count(t, s, `SELECT count(*) FROM documents`), count(t, s, `SELECT count(*) FROM provider_pending_uploads`); docs != pending {
			t.Errorf("a refused save left %d documents, of which %d are pending uploads", docs, pending)
		}
	})
}

func TestSectionsBInsuranceUploadsStored(t *testing.T) {
	s, org, c := startSectionsB(t)
	// A PNG named .pdf is kept as what its bytes say it is. A crafted fourth policy, and a
	// second of a kind already given, are dropped with their files.
	files := append(certificatesWithB(1, "public liability.pdf", pngBytesB),
		fileUpload{"policies-3-certificate", "extra.pdf", fillPDF}, fileUpload{"policies-4-certificate", "again.pdf", fillPDF})
	crafted := withB(fillInsuranceForm(), "policies-3-kind", "made_up", "policies-3-insurer", "Nobody",
		"policies-4-kind", "public_liability", "policies-4-insurer", "Somebody")
	resp, doc := postInsuranceB(t, c, crafted, files...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	var docs []struct {
		ID          string `db:"id"`
		Kind        string `db:"kind"`
		Filename    string `db:"filename"`
		ContentType string `db:"content_type"`
		Org         string `db:"organisation_id"`
	}
	if err := s.DB.Select(&docs, `SELECT id, kind, filename, content_type, organisation_id FROM documents ORDER BY kind`); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 {
		t.Fatalf("%d documents stored, want 3", len(docs))
	}
	types := map[string]string{}
	for _, d := range docs {
		types[d.Filename] = d.ContentType
		if d.Org != org {
			t.Errorf("document %s belongs to %s", d.ID, d.Org)
		}
	}
	if types["public liability.pdf"] != "image/png" || types["employers-liability.pdf"] != "application/pdf" {
		t.Errorf("content types %v", types)
	}
	data := sectionDataB(t, s, org, "insurance")
	for _, d := range docs {
		if !strings.Contains(data, d.ID) {
			t.Errorf("the section does not name certificate %s", d.ID)
		}
	}

	// The page links each certificate and says how to replace it.
	_, page := c.Get(t, "/provider/sections/insurance")
	for kind, name := range map[string]string{"employers_liability": "employers-liability.pdf", "public_liability": "public liability.pdf", "professional_indemnity": "professional-indemnity.pdf"} {
		fs := page.Find(`[data-policy="` + kind + `"]`)
		link := fs.Find(`a[href^="/documents/"]`)
		if strings.TrimSpace(link.Text()) != name {
			t.Errorf("%s: certificate link %q, want %q", kind, link.Text(), name)
		}
		if !strings.Contains(fs.Find(".govuk-hint").Text(), "Upload a new file to replace it") {
			t.Errorf("%s: no hint about replacing the certificate", kind)
		}
		if got := fs.Find(`input[type="file"]`).AttrOr("accept", ""); got != ".pdf,.png,.jpg,.jpeg" {
			t.Errorf("%s: file input accepts %q", kind, got)
		}
	}

	// A failed save with new files keeps them as pending uploads, shown as uploaded, and
	// leaves the stored certificates as they were.
	resp, doc = postInsuranceB(t, c, withB(fillInsuranceForm(), "policies-0-cover", "1000000"), fillCertificates()...)
	wantFieldErrorsB(t, resp, doc, map[string]string{"policies-0-cover": "must be at least £5,000,000"})
	if n := count(t, s, `SELECT count(*) FROM provider_pending_uploads`); n != 3 {
		t.Errorf("%d pending uploads after a failed save with three new files, want 3", n)
	}
	if n := doc.Find(`[data-uploaded] a[href^="/documents/"]`).Length(); n != 3 {
		t.Errorf("after a failed save the page shows %d uploaded files, want 3", n)
	}
	if after := sectionDataB(t, s, org, "insurance"); after != data {
		t.Error("a failed save changed the section")
	}

	// Saving again without files keeps the certificates.
	resp, doc = postInsuranceB(t, c, withB(fillInsuranceForm(), "policies-2-insurer", "Zurich"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without files: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	kept := sectionDataB(t, s, org, "insurance")
	for _, d := range docs {
		if !strings.Contains(kept, d.ID) {
			t.Errorf("certificate %s was lost when saving without files", d.Filename)
		}
	}

	// An exempt organisation gives a reason and no employer's liability policy.
	exempt := fillInsuranceForm()
	for _, f := range []string{"insurer", "policy_number", "cover", "start-day", "start-month", "start-year", "expiry-day", "expiry-month", "expiry-year"} {
		exempt.Del("policies-0-" + f)
	}
	exempt.Set("el_exempt", "yes")
	exempt.Set("el_exempt_reason", "The director is the only worker: there are no employees")
	resp, doc = postInsuranceB(t, c, exempt)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("exempt: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	_, check := c.Get(t, "/provider/sections/insurance/check")
	if !strings.Contains(check.Find("[data-summary]").Text(), "Exempt: The director is the only worker") {
		t.Errorf("check page: %q", check.Find("[data-summary]").Text())
	}
}

func TestSectionsBDocumentDownload(t *testing.T) {
	s := webtest.Start(t)
	orgA, orgB := s.NewOrganisation(t, "Acorn Fostering Ltd"), s.NewOrganisation(t, "Birch Homes Ltd")
	member := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, orgA)
	stranger := s.CreateUser(t, "sid@birch.example", []auth.Role{auth.RoleProvider}, orgB)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	ctx := audit.WithActor(context.Background(), audit.System)
	pdf, err := document.PostgresStore{}.Put(ctx, s.DB, orgA, "insurance_certificate:public_liability", `PL "2025" cert.pdf`, fillPDF)
	if err != nil {
		t.Fatal(err)
	}
	png, err := document.PostgresStore{}.Put(ctx, s.DB, orgA, "insurance_certificate:employers_liability", "el.pdf", pngBytesB)
	if err != nil {
		t.Fatal(err)
	}

	download := func(t *testing.T, c *webtest.Client, path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := c.Client.Get(c.Base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	downloads := func(t *testing.T, userID, docID string) int {
		t.Helper()
		return count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'document.download' AND actor_id = $1 AND object_id = $2`, userID, docID)
	}

	cases := []struct {
		name   string
		user   *webtest.TestUser
		step   int
		doc    *document.Document
		status int
		body   []byte
	}{
		{"member downloads a PDF", member, 0, pdf, http.StatusOK, fillPDF},
		{"member downloads a PNG named .pdf", member, 0, png, http.StatusOK, pngBytesB},
		{"another organisation's user", stranger, 0, pdf, http.StatusNotFound, nil},
		{"officer", officer, 1, pdf, http.StatusOK, fillPDF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := s.SignIn(t, tc.user, tc.step)
			before := downloads(t, tc.user.ID, tc.doc.ID)
			resp, body := download(t, c, "/documents/"+tc.doc.ID)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status != http.StatusOK {
				if bytes.Equal(body, fillPDF) || downloads(t, tc.user.ID, tc.doc.ID) != before {
					t.Error("the document was sent or a download recorded")
				}
				return
			}
			if !bytes.Equal(body, tc.body) {
				t.Errorf("body of %d bytes is not the document", len(body))
			}
			if got := resp.Header.Get("Content-Type"); got != tc.doc.ContentType {
				t.Errorf("Content-Type %q, want %q", got, tc.doc.ContentType)
			}
			if got := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment;") || !strings.Contains(got, `filename="`+tc.doc.Filename+`"`) {
				t.Errorf("Content-Disposition %q", got)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if n := downloads(t, tc.user.ID, tc.doc.ID); n != before+1 {
				t.Errorf("%d download audit rows, want %d", n, before+1)
			}
		})
	}
	if pdf.Filename != "PL 2025 cert.pdf" {
		t.Errorf("stored filename %q", pdf.Filename)
	}

	t.Run("ids that are not documents", func(t *testing.T) {
		c := s.SignIn(t, member, 0)
		for _, id := range []string{noSuchID, "not-a-uuid", "..%2F..%2Fetc%2Fpasswd", url.PathEscape("' OR 1=1 --")} {
			if resp, _ := download(t, c, "/documents/"+id); resp.StatusCode != http.StatusNotFound {
				t.Errorf("/documents/%s: status %d, want 404", id, resp.StatusCode)
			}
		}
	})
}

func TestSectionsBRegulation(t *testing.T) {
	s, org, c := startSectionsB(t)

	_, page := c.Get(t, "/provider/sections/regulation")
	if page.Find("[data-ofsted-row]").Length() != 1 || page.Find("#ofsted-0-urn").Length() != 1 {
		t.Fatal("a new regulation page does not offer one Ofsted row to fill in")
	}

	resp, doc := postSectionB(t, c, "regulation", url.Values{"action": {"save"},
		"ofsted_registered": {"yes"}, "ofsted-0-urn": {"XY1234"}, "ofsted-0-judgement": {"good"},
		"ofsted-0-judgement_date-day": {"3"}, "ofsted-0-judgement_date-month": {"12"}, "ofsted-0-judgement_date-year": {"2024"},
		"cqc_registered": {"yes"}, "cqc_provider_id": {"RXX"}})
	wantFieldErrorsB(t, resp, doc, map[string]string{"ofsted-0-urn": "Ofsted URN", "cqc_provider_id": "CQC ID"})
	if v, _ := inputValue(doc, "ofsted-0-urn"); v != "XY1234" {
		t.Errorf("URN typed not kept: %q", v)
	}

	resp, doc = postSectionB(t, c, "regulation", url.Values{"action": {"save"}, "ofsted_registered": {"no"}, "cqc_registered": {"no"}})
	wantFieldErrorsB(t, resp, doc, map[string]string{"not_registered_reason": "Explain why"})

	// Add and remove rows: the page comes back with the rows changed, nothing saved.
	resp, doc = postSectionB(t, c, "regulation", url.Values{"action": {"add-ofsted"}, "ofsted_registered": {"yes"},
		"ofsted-0-urn": {"SC057941"}, "ofsted-0-judgement": {"good"}})
	if resp.StatusCode != http.StatusOK || doc.Find("[data-ofsted-row]").Length() != 2 {
		t.Fatalf("add: status %d, %d rows", resp.StatusCode, doc.Find("[data-ofsted-row]").Length())
	}
	if v, _ := inputValue(doc, "ofsted-0-urn"); v != "SC057941" {
		t.Errorf("add lost the first row: %q", v)
	}
	if doc.Find(".govuk-error-summary").Length() != 0 {
		t.Error("adding a row showed errors")
	}
	resp, doc = postSectionB(t, c, "regulation", url.Values{"action": {"remove-ofsted-0"}, "ofsted_registered": {"yes"},
		"ofsted-0-urn": {"SC057941"}, "ofsted-1-urn": {"EY123456"}})
	if resp.StatusCode != http.StatusOK || doc.Find("[data-ofsted-row]").Length() != 1 {
		t.Fatalf("remove: status %d, %d rows", resp.StatusCode, doc.Find("[data-ofsted-row]").Length())
	}
	if v, _ := inputValue(doc, "ofsted-0-urn"); v != "EY123456" {
		t.Errorf("remove kept the wrong row: %q", v)
	}
	resp, doc = postSectionB(t, c, "regulation", url.Values{"action": {"add-cqc_locations"}, "cqc_registered": {"yes"}})
	if resp.StatusCode != http.StatusOK || doc.Find("#cqc_locations-0-location_id").Length() != 1 {
		t.Fatalf("add location: status %d", resp.StatusCode)
	}
	resp, _ = postSectionB(t, c, "regulation", url.Values{"action": {"remove-ofsted-7"}, "ofsted-0-urn": {"SC057941"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("removing a row that is not there: status %d, want 400", resp.StatusCode)
	}
	if data := sectionDataB(t, s, org, "regulation"); data != "" {
		t.Fatalf("adding and removing rows saved the section: %s", data)
	}

	resp, doc = postSectionB(t, c, "regulation", url.Values{"action": {"save"},
		"ofsted_registered": {"yes"}, "ofsted-0-urn": {"sc 057941"}, "ofsted-0-judgement": {"not_yet_inspected"},
		"cqc_registered": {"yes"}, "cqc_provider_id": {"1-101726253"},
		"cqc_locations-0-location_id": {"1-123456789"}, "cqc_locations-0-rating": {"good"},
		"cqc_locations-0-rating_date-day": {"1"}, "cqc_locations-0-rating_date-month": {"2"}, "cqc_locations-0-rating_date-year": {"2025"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	var urns, cqc string
	if err := s.DB.QueryRow(`SELECT array_to_string(ofsted_urns, ','), coalesce(cqc_provider_id, '') FROM organisations WHERE id = $1`, org).Scan(&urns, &cqc); err != nil {
		t.Fatal(err)
	}
	if urns != "SC057941" || cqc != "1-101726253" {
		t.Errorf("search columns: URNs %q, CQC %q", urns, cqc)
	}
}

func TestSectionsBSafeguarding(t *testing.T) {
	s, org, c := startSectionsB(t)
	const number = "001234567890"

	resp, doc := postSectionB(t, c, "safeguarding", withB(fillStaffForm("0012 3456 7890"), "action", "save"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	data := sectionDataB(t, s, org, "safeguarding")
	if strings.Contains(data, number) || strings.Contains(data, "0012 3456 7890") || !strings.Contains(data, `"certificate_sealed"`) {
		t.Fatalf("stored data holds the certificate number in clear or not sealed: %s", data)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE summary::text LIKE '%' || $1 || '%'`, "1234567890"); n != 0 {
		t.Errorf("%d audit rows hold the certificate number", n)
	}

	_, page := c.Get(t, "/provider/sections/safeguarding")
	if v, _ := inputValue(page, "staff-0-certificate_number"); v != "" {
		t.Errorf("the certificate number is shown in its input: %q", v)
	}
	if hint := page.Find("#staff-0-certificate_number-hint").Text(); !strings.Contains(hint, "Leave blank to keep "+vault.MaskPrefix+"7890") {
		t.Errorf("hint %q", hint)
	}
	if strings.Contains(page.Text(), number) {
		t.Error("the page shows the certificate number")
	}
	ref := page.Find(`input[name="staff-0-ref"]`).AttrOr("value", "")
	if ref == "" {
		t.Fatal("the member of staff has no ref in the form")
	}
	if !strings.Contains(page.Find("[data-dbs-explainer]").Text(), "never what a certificate says") {
		t.Error("the page does not explain that only the status of checks is kept")
	}

	// Saving again with the number left blank keeps it for the same person.
	sealedBefore := sealedCertificateB(t, s, org)
	resp, doc = postSectionB(t, c, "safeguarding", withB(fillStaffForm(""), "action", "save", "staff-0-ref", ref, "staff-0-role", "Deputy manager"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save with the number blank: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	if got := sealedCertificateB(t, s, org); got != sealedBefore {
		t.Errorf("the stored number changed: %q, was %q", got, sealedBefore)
	}
	_, check := c.Get(t, "/provider/sections/safeguarding/check")
	if summary := check.Find("[data-summary]").Text(); !strings.Contains(summary, vault.MaskPrefix+"7890") || strings.Contains(summary, number) {
		t.Errorf("check page: %q", summary)
	}

	// A blank number for someone without one on file is refused.
	resp, doc = postSectionB(t, c, "safeguarding", withB(fillStaffForm(""), "action", "save", "staff-0-ref", "guessed"))
	wantFieldErrorsB(t, resp, doc, map[string]string{"staff-0-certificate_number": "12-digit"})

	// A basic check cannot be on the Update Service.
	resp, doc = postSectionB(t, c, "safeguarding", withB(fillStaffForm(number), "action", "save", "staff-0-level", "basic"))
	wantFieldErrorsB(t, resp, doc, map[string]string{"staff-0-update_service": "standard and enhanced"})

	// Add another: a second, empty row; nothing saved, no number revealed.
	version := pageVersionB(t, c, "safeguarding")
	resp, doc = postSectionB(t, c, "safeguarding", withB(fillStaffForm(""), "action", "add-staff", "staff-0-ref", ref))
	if resp.StatusCode != http.StatusOK || doc.Find("[data-staff-row]").Length() != 2 {
		t.Fatalf("add: status %d, %d rows", resp.StatusCode, doc.Find("[data-staff-row]").Length())
	}
	if pageVersionB(t, c, "safeguarding") != version {
		t.Error("adding a row saved the section")
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE summary::text LIKE '%' || $1 || '%'`, "1234567890"); n != 0 {
		t.Errorf("%d audit rows hold the certificate number", n)
	}
}

// sealedCertificateB is the first member of staff's sealed certificate number as stored.
func sealedCertificateB(t *testing.T, s *webtest.Server, org string) string {
	t.Helper()
	var sealed string
	if err := s.DB.Get(&sealed, `SELECT data->'staff'->0->>'certificate_sealed' FROM provider_sections WHERE organisation_id = $1 AND section = 'safeguarding'`, org); err != nil {
		t.Fatal(err)
	}
	return sealed
}

func TestSectionsBHealthAndSafety(t *testing.T) {
	s, org, c := startSectionsB(t)
	values := func() url.Values {
		v := url.Values{"action": {"save"}, "lead_name": {"Alex Smith"}, "reportable_incidents": {"2"}}
		fillDate(v, "hs_policy_review", time.Now().AddDate(0, -1, 0))
		fillDate(v, "safeguarding_policy_review", time.Now().AddDate(0, -2, 0))
		return v
	}
	tomorrow := time.Now().AddDate(0, 0, 2)
	future := values()
	fillDate(future, "hs_policy_review", tomorrow)
	cases := []struct {
		name   string
		values url.Values
		want   map[string]string
	}{
		{"negative incidents", withB(values(), "reportable_incidents", "-3"), map[string]string{"reportable_incidents": "whole number"}},
		{"incidents in words", withB(values(), "reportable_incidents", "none"), map[string]string{"reportable_incidents": "whole number"}},
		{"no lead", withB(values(), "lead_name", ""), map[string]string{"lead_name": "Enter the name"}},
		{"review in the future", future, map[string]string{"hs_policy_review": "today or in the past"}},
		{"review not a date", withB(values(), "safeguarding_policy_review-month", "13"), map[string]string{"safeguarding_policy_review": "real date"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := postSectionB(t, c, "health-and-safety", tc.values)
			wantFieldErrorsB(t, resp, doc, tc.want)
			if v, _ := inputValue(doc, "reportable_incidents"); v != tc.values.Get("reportable_incidents") {
				t.Errorf("incidents typed not kept: %q", v)
			}
		})
	}
	if data := sectionDataB(t, s, org, "health-and-safety"); data != "" {
		t.Fatalf("refused saves stored the section: %s", data)
	}
	resp, doc := postSectionB(t, c, "health-and-safety", values())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
}

// taskStatusB is a section's status as the task list shows it.
func taskStatusB(t *testing.T, c *webtest.Client, key string) string {
	t.Helper()
	_, doc := c.Get(t, "/provider")
	return strings.TrimSpace(doc.Find(`[data-status="` + key + `"]`).Text())
}

func TestSectionsBDeclarations(t *testing.T) {
	s, org, c := startSectionsB(t)
	if got := taskStatusB(t, c, "declarations"); got != "Cannot start yet" {
		t.Fatalf("declarations on a new record: %q", got)
	}
	forms := wholeRecordForms()
	for _, sec := range forms[:5] {
		saveSection(t, c, sec.key, sec.form)
		completeSection(t, c, sec.key)
	}
	saveSection(t, c, "insurance", fillInsuranceForm(), fillCertificates()...)
	completeSection(t, c, "insurance")
	for _, sec := range forms[5:] {
		saveSection(t, c, sec.key, sec.form)
		if got := taskStatusB(t, c, "declarations"); got != "Cannot start yet" {
			t.Fatalf("declarations before %s is completed: %q", sec.key, got)
		}
		completeSection(t, c, sec.key)
	}
	if got := taskStatusB(t, c, "declarations"); got != "Not started" {
		t.Fatalf("declarations after the other nine: %q", got)
	}

	_, page := c.Get(t, "/provider/sections/declarations")
	notice := page.Find(`input[name="notice_version"]`).AttrOr("value", "")
	if notice == "" || page.Find(`a[href="/privacy-notice"]`).Length() == 0 {
		t.Fatalf("the declarations page gives notice version %q and links to the notice %d times", notice, page.Find(`a[href="/privacy-notice"]`).Length())
	}
	for _, v := range []string{"accurate", "notice_read"} {
		if got := page.Find("input#"+v).AttrOr("value", ""); got != "true" || page.Find("input#"+v).AttrOr("type", "") != "checkbox" {
			t.Errorf("%s: checkbox value %q", v, got)
		}
	}
	cases := []struct {
		name   string
		values url.Values
		want   map[string]string
	}{
		{"neither", url.Values{"notice_version": {notice}}, map[string]string{"accurate": "accurate and complete", "notice_read": "privacy notice"}},
		{"accuracy only", url.Values{"accurate": {"true"}, "notice_version": {notice}}, map[string]string{"notice_read": "privacy notice"}},
		{"notice only", url.Values{"notice_read": {"true"}, "notice_version": {notice}}, map[string]string{"accurate": "accurate and complete"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := postSectionB(t, c, "declarations", withB(tc.values, "action", "save"))
			wantFieldErrorsB(t, resp, doc, tc.want)
		})
	}
	saveSection(t, c, "declarations", url.Values{"accurate": {"true"}, "notice_read": {"true"}, "notice_version": {notice}})
	if data := sectionDataB(t, s, org, "declarations"); !strings.Contains(data, `"notice_version": `+notice) {
		t.Errorf("stored declarations %s", data)
	}
}

func TestSectionsBSubmitWholeRecord(t *testing.T) {
	s, org, c := startSectionsB(t)
	fillWholeRecord(t, s, c)
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1 AND completed`, org); n != 10 {
		t.Fatalf("%d sections completed, want 10", n)
	}

	// Two presses of the same button (a double click) carry the same version.
	_, doc := c.Get(t, "/provider/check")
	submit := doc.Find(`form[action="/provider/submit"]`)
	values := url.Values{"_csrf": {submit.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {submit.Find(`input[name="version"]`).AttrOr("value", "")}}
	for press := 1; press <= 2; press++ {
		resp, _ := c.Post(t, "/provider/submit", values)
		if loc := location(t, resp); loc.Path != "/provider/submitted" {
			t.Errorf("press %d went to %s", press, loc)
		}
	}
	if got := recordStatusB(t, s, org); got != "submitted" {
		t.Fatalf("status %q, want submitted", got)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_status_history WHERE organisation_id = $1`, org); n != 1 {
		t.Errorf("%d status changes, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address = $1 AND subject LIKE 'We have received your registration%'`, keyContactEmail); n != 1 {
		t.Errorf("%d receipts mailed to the key contact, want 1", n)
	}
	resp, page := c.Get(t, "/provider")
	if resp.StatusCode != http.StatusOK || page.Find(`form[action="/provider/submit"]`).Length() != 0 {
		t.Error("a submitted record still offers the submit button")
	}
	if got := strings.TrimSpace(page.Find("[data-record-status]").Text()); got != "Submitted" {
		t.Errorf("task list status %q", got)
	}

	// Sections are shown read-only while the record waits for a decision, not as inputs.
	_, section := c.Get(t, "/provider/sections/contacts")
	if section.Find("main form input, main form textarea, main form select").Length() != 0 || section.Find("[data-summary]").Length() != 1 {
		t.Error("a submitted section is shown as a form, want its answers read-only")
	}
	if section.Find(`a[href^="/provider/sections/contacts#"]`).Length() != 0 {
		t.Error("a submitted section offers change links")
	}

	// A copy of what was sent, when and by whom, to print or download.
	if page.Find(`a[href="/provider/record"]`).Length() != 1 {
		t.Error("the task list does not link to a copy of the record as sent")
	}
	resp, record := c.Get(t, "/provider/record")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("record copy: status %d", resp.StatusCode)
	}
	if sent := record.Find("[data-sent]").Text(); !strings.Contains(sent, "Submitted on") || !strings.Contains(sent, "pat@acorn.example") && !strings.Contains(sent, "Pat") {
		t.Errorf("the copy says %q, want when and by whom it was sent", sent)
	}
	if rows := record.Find("[data-copy-section] .govuk-summary-list__row").Length(); rows < 10 {
		t.Errorf("the copy shows %d answers", rows)
	}
	if strings.Contains(record.Text(), "66374958") {
		t.Error("the copy shows the whole account number")
	}
	pdf, err := c.Client.Get(c.Base + "/provider/record.pdf")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(pdf.Body)
	pdf.Body.Close()
	if pdf.StatusCode != http.StatusOK || pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Errorf("PDF download: status %d, type %q, starts %q", pdf.StatusCode, pdf.Header.Get("Content-Type"), body[:min(8, len(body))])
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'provider.record.downloaded' AND object_id = $1`, org); n != 1 {
		t.Errorf("%d audited downloads of the record, want 1", n)
	}
}

// recordStatusB is the organisation's workflow status as stored.
func recordStatusB(t *testing.T, s *webtest.Server, org string) string {
	t.Helper()
	var status string
	if err := s.DB.Get(&status, `SELECT status FROM organisations WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	return status
}
