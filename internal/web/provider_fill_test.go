package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/webtest"
)

// fillPDF is a small but real PDF document, for certificate uploads.
var fillPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n")

// keyContactEmail is the key contact fillWholeRecord gives, who is told of every decision.
const keyContactEmail = "kim.key@acorn.example"

// fileUpload is a file sent with a multipart form.
type fileUpload struct {
	field, filename string
	content         []byte
}

// postMultipart sends values and files as multipart/form-data, as a browser sends a form
// with a file input, adding the session's CSRF token taken from csrfPage.
func postMultipart(t testing.TB, c *webtest.Client, csrfPage, path string, values url.Values, files ...fileUpload) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if values.Get("_csrf") == "" {
		values.Set("_csrf", c.CSRF(t, csrfPage))
	}
	for k, vs := range values {
		for _, v := range vs {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.field, f.filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(f.content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Client.Post(c.Base+path, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

// fillDate sets name-day, name-month and name-year to t.
func fillDate(v url.Values, name string, t time.Time) {
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// fillInsuranceForm is the insurance section's fields for three current policies (the
// certificates are sent as files beside it).
func fillInsuranceForm() url.Values {
	v := url.Values{"el_exempt": {"no"}}
	start, expiry := time.Now().AddDate(0, -1, 0), time.Now().AddDate(0, 11, 0)
	for i, kind := range []string{"employers_liability", "public_liability", "professional_indemnity"} {
		p := func(f string) string { return fmt.Sprintf("policies-%d-%s", i, f) }
		v.Set(p("kind"), kind)
		v.Set(p("insurer"), "Hiscox")
		v.Set(p("policy_number"), fmt.Sprintf("POL-%d-2025", i+1))
		v.Set(p("cover"), "£10,000,000")
		fillDate(v, p("start"), start)
		fillDate(v, p("expiry"), expiry)
	}
	return v
}

// fillCertificates are one PDF certificate for each of the three policies.
func fillCertificates() []fileUpload {
	return []fileUpload{
		{"policies-0-certificate", "employers-liability.pdf", fillPDF},
		{"policies-1-certificate", "public-liability.pdf", fillPDF},
		{"policies-2-certificate", "professional-indemnity.pdf", fillPDF},
	}
}

// fillStaffForm is one member of staff with a current enhanced check.
func fillStaffForm(certificate string) url.Values {
	v := url.Values{
		"staff-0-name": {"Sam Jones"}, "staff-0-role": {"Registered manager"}, "staff-0-level": {"enhanced_barred"},
		"staff-0-certificate_number": {certificate}, "staff-0-update_service": {"yes"}, "staff-0-last_check_result": {"current"},
	}
	fillDate(v, "staff-0-issue_date", time.Now().AddDate(-1, 0, 0))
	fillDate(v, "staff-0-last_check_date", time.Now().AddDate(0, 0, -7))
	return v
}

// fillSection is one section's form.
type fillSection struct {
	key  string
	form url.Values
}

// wholeRecordForms are valid answers for every section but insurance (multipart) and
// declarations (which needs the notice version from its page), in task-list order.
func wholeRecordForms() []fillSection {
	regulation := url.Values{"ofsted_registered": {"yes"}, "ofsted-0-urn": {"SC057941"}, "ofsted-0-judgement": {"good"}, "cqc_registered": {"no"}}
	fillDate(regulation, "ofsted-0-judgement_date", time.Now().AddDate(0, -6, 0))
	health := url.Values{"lead_name": {"Alex Smith"}, "reportable_incidents": {"0"}}
	fillDate(health, "hs_policy_review", time.Now().AddDate(0, -2, 0))
	fillDate(health, "safeguarding_policy_review", time.Now().AddDate(0, -3, 0))
	return []fillSection{
		{"organisation", url.Values{"legal_name": {"Acorn Fostering Ltd"}, "legal_form": {"company"}, "companies_house_number": {"01234567"},
			"start_date-day": {"1"}, "start_date-month": {"4"}, "start_date-year": {"2010"}, "operation_type": {"sme"},
			"service_categories": {"independent_fostering", "short_breaks"}}},
		{"contacts", url.Values{"key_contact_name": {"Kim Key"}, "key_contact_role": {"Director"},
			"key_contact_email": {keyContactEmail}, "key_contact_phone": {"01632 960 001"}}},
		{"addresses", url.Values{"reg_line1": {"1 Acorn Way"}, "reg_town": {"Leeds"}, "reg_postcode": {"ls1 4ap"}, "correspondence_same": {"yes"}}},
		{"vat", url.Values{"vat_registered": {"yes"}, "vat_number": {"GB 980 7806 84"}}},
		{"bank-details", url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"08-99-99"}, "account_number": {"66374958"}}},
		{"regulation", regulation},
		{"safeguarding", fillStaffForm("0012 3456 7890")},
		{"health-and-safety", health},
	}
}

// completeSection checks the saved section's answers and marks it completed, as the
// provider does from the "Check your answers" page.
func completeSection(t testing.TB, c *webtest.Client, key string) {
	t.Helper()
	resp, doc := c.Get(t, "/provider/sections/"+key+"/check")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("check %s: status %d", key, resp.StatusCode)
	}
	complete := doc.Find(`form[action="/provider/sections/` + key + `/complete"]`)
	version, _ := complete.Find(`input[name="version"]`).Attr("value")
	token, _ := complete.Find(`input[name="_csrf"]`).Attr("value")
	resp, _ = c.Post(t, "/provider/sections/"+key+"/complete", url.Values{"_csrf": {token}, "version": {version}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complete %s: status %d", key, resp.StatusCode)
	}
}

// saveSection posts a section's form as its page would (action save, the version read) and
// fails the test unless it is saved.
func saveSection(t testing.TB, c *webtest.Client, key string, values url.Values, files ...fileUpload) {
	t.Helper()
	values.Set("action", "save")
	if key == "bank-details" {
		values.Set("action", "confirm") // past their own check page, which the journey tests look at
	}
	if values.Get("version") == "" {
		values.Set("version", fillVersion(t, c, key))
	}
	var resp *http.Response
	var doc *goquery.Document
	if len(files) > 0 {
		resp, doc = postMultipart(t, c, "/provider", "/provider/sections/"+key, values, files...)
	} else {
		resp, doc = c.Submit(t, "/provider", "/provider/sections/"+key, values)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save %s: status %d, errors %v", key, resp.StatusCode, summaryLinks(doc))
	}
}

// fillVersion is the version of a section as its check page shows it, "0" for
// one not started: the version a form for it carries.
func fillVersion(t testing.TB, c *webtest.Client, key string) string {
	t.Helper()
	resp, doc := c.Get(t, "/provider/sections/"+key+"/check")
	switch resp.StatusCode {
	case http.StatusSeeOther:
		return "0" // not started: the check page sends you to the questions
	case http.StatusOK:
		v, _ := doc.Find(`input[name="version"]`).Attr("value")
		return v
	}
	t.Fatalf("check %s: status %d", key, resp.StatusCode)
	return ""
}

// fillWholeRecord completes every one of the ten sections of the signed-in provider's
// record with valid answers, through the same form posts a browser makes (certificates
// uploaded as files), ending with the declarations. It does not submit: see pressSubmit.
// Review and journey tests use it to get a record ready for an officer.
func fillWholeRecord(t testing.TB, s *webtest.Server, c *webtest.Client) {
	t.Helper()
	forms := wholeRecordForms()
	for _, sec := range forms[:5] {
		saveSection(t, c, sec.key, sec.form)
		completeSection(t, c, sec.key)
	}
	saveSection(t, c, "insurance", fillInsuranceForm(), fillCertificates()...)
	completeSection(t, c, "insurance")
	for _, sec := range forms[5:] {
		saveSection(t, c, sec.key, sec.form)
		completeSection(t, c, sec.key)
	}
	_, doc := c.Get(t, "/provider/sections/declarations")
	notice, ok := doc.Find(`input[name="notice_version"]`).Attr("value")
	current, err := privacy.Current(context.Background(), s.DB, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	if !ok || notice != strconv.Itoa(current.Version) {
		t.Fatalf("the declarations page names privacy notice version %q, want the current one, %d", notice, current.Version)
	}
	saveSection(t, c, "declarations", url.Values{"accurate": {"true"}, "notice_read": {"true"}, "notice_version": {notice}})
	completeSection(t, c, "declarations")
}

// pressSubmit presses "Submit for review" on the whole-record check page and returns the response.
func pressSubmit(t testing.TB, c *webtest.Client) *http.Response {
	t.Helper()
	resp, doc := c.Get(t, "/provider/check")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("task list: status %d", resp.StatusCode)
	}
	submit := doc.Find(`form[action="/provider/submit"]`)
	if submit.Length() == 0 {
		t.Fatal("the task list offers no submit button")
	}
	version, _ := submit.Find(`input[name="version"]`).Attr("value")
	token, _ := submit.Find(`input[name="_csrf"]`).Attr("value")
	resp, _ = c.Post(t, "/provider/submit", url.Values{"_csrf": {token}, "version": {version}})
	return resp
}
