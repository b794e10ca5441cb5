package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
)

// uploadedIDs are the pending uploads a refused insurance page posts back, by field.
func uploadedIDs(doc *goquery.Document) url.Values {
	v := url.Values{}
	doc.Find(`[data-uploaded] input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		v.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	return v
}

// TestSectionUploadsKeptThroughErrors: certificates that passed their checks survive a page
// with other mistakes, are used by the next save without uploading them again, can be
// removed, cannot be borrowed by another organisation, and are tidied away if never used.
func TestSectionUploadsKeptThroughErrors(t *testing.T) {
	s, org, c := startSectionsB(t)

	// Every problem on the page at once: a refused file, a wrong cover and a missing insurer,
	// in the order they appear on the page.
	bad := withB(fillInsuranceForm(), "policies-0-cover", "100", "policies-2-insurer", "")
	resp, doc := postInsuranceB(t, c, bad, certificatesWithB(1, "notes.pdf", []byte("not a certificate"))...)
	wantFieldErrorsB(t, resp, doc, map[string]string{"policies-0-cover": "at least £5,000,000",
		"policies-1-certificate": "PDF, PNG or JPEG", "policies-2-insurer": "Enter the professional indemnity insurer"})
	var order []string
	doc.Find(".govuk-error-summary__list a").Each(func(_ int, a *goquery.Selection) { order = append(order, a.AttrOr("href", "")) })
	if strings.Join(order, " ") != "#policies-0-cover #policies-1-certificate #policies-2-insurer" {
		t.Errorf("error summary order %v, want the page's order", order)
	}
	kept := uploadedIDs(doc)
	if len(kept) != 2 || kept.Get("policies-0-certificate_id") == "" || kept.Get("policies-2-certificate_id") == "" {
		t.Fatalf("the page keeps %v, want the two good certificates", kept)
	}

	// Another organisation cannot use those uploads by posting their ids.
	other := s.NewOrganisation(t, "Birch Homes Ltd")
	oc := s.SignIn(t, s.CreateUser(t, "bo@birch.example", []auth.Role{auth.RoleProvider}, other), 0)
	stolen := fillInsuranceForm()
	for k := range kept {
		stolen.Set(k, kept.Get(k))
	}
	resp, doc = postInsuranceB(t, oc, stolen)
	wantFieldErrorsB(t, resp, doc, map[string]string{"policies-0-certificate": "Upload", "policies-2-certificate": "Upload"})
	if doc.Find(`[data-uploaded]`).Length() != 0 {
		t.Error("another organisation's page shows our uploads")
	}
	if data := sectionDataB(t, s, other, "insurance"); data != "" {
		t.Fatalf("another organisation saved a section naming our certificates: %s", data)
	}

	// The corrected page, with only the one refused file sent again, saves all three.
	fixed := fillInsuranceForm()
	for k := range kept {
		fixed.Set(k, kept.Get(k))
	}
	resp, doc = postInsuranceB(t, c, fixed, certificatesWithB(1, "public-liability.pdf", fillPDF)[1:2]...)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("corrected save: status %d, errors %v", resp.StatusCode, summaryLinks(doc))
	}
	data := sectionDataB(t, s, org, "insurance")
	for k := range kept {
		if !strings.Contains(data, kept.Get(k)) {
			t.Errorf("the saved section does not use the kept upload %s", k)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM provider_pending_uploads`); n != 0 {
		t.Errorf("%d uploads still pending after the save used them", n)
	}

	// "Remove" deletes an upload nobody used and shows the certificate on file again.
	resp, doc = postInsuranceB(t, c, withB(fillInsuranceForm(), "policies-0-cover", "1"), certificatesWithB(0, "new-el.pdf", fillPDF)[0:1]...)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	pending := uploadedIDs(doc).Get("policies-0-certificate_id")
	removed := withB(fillInsuranceForm(), "action", "remove-certificate-0", "policies-0-certificate_id", pending)
	resp, doc = postInsuranceB(t, c, removed)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("remove: status %d", resp.StatusCode)
	}
	if doc.Find(`[data-uploaded]`).Length() != 0 || doc.Find(`#policies-0-certificate-current[data-certificate]`).Length() != 1 {
		t.Error("after Remove the page should show the certificate on file, not the removed upload")
	}
	if n := count(t, s, `SELECT count(*) FROM documents WHERE id::text = '`+pending+`'`); n != 0 {
		t.Error("the removed upload was not deleted")
	}

	// An upload left unused is deleted by the tidy-up after a day, and not before.
	resp, _ = postInsuranceB(t, c, withB(fillInsuranceForm(), "policies-0-cover", "1"), certificatesWithB(0, "left.pdf", fillPDF)[0:1]...)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	before := count(t, s, `SELECT count(*) FROM documents`)
	if n, err := s.Services.Providers.TidyPendingUploads(t.Context(), document.PostgresStore{}, time.Now(), 100); err != nil || n != 0 {
		t.Fatalf("tidy-up of a fresh upload: %d, %v", n, err)
	}
	if n, err := s.Services.Providers.TidyPendingUploads(t.Context(), document.PostgresStore{}, time.Now().Add(25*time.Hour), 100); err != nil || n != 1 {
		t.Fatalf("tidy-up a day later deleted %d, %v; want 1", n, err)
	}
	if after := count(t, s, `SELECT count(*) FROM documents`); after != before-1 {
		t.Errorf("documents %d after the tidy-up, want %d", after, before-1)
	}
	if !strings.Contains(sectionDataB(t, s, org, "insurance"), kept.Get("policies-0-certificate_id")) {
		t.Error("the tidy-up touched a certificate in use")
	}
}
