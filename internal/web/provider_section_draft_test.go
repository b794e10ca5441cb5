package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSectionDraftKeepsWorkUnchecked: "Save as draft" keeps a half-filled section with its
// mistakes, shows it "In progress" and on the form again; a draft never replaces the checked
// answers, blocks submission until finished, and "Save and continue" checks it in full.
func TestSectionDraftKeepsWorkUnchecked(t *testing.T) {
	s, org, c := startSectionsB(t)
	fillWholeRecord(t, s, c)
	checked := sectionDataB(t, s, org, "contacts")

	half := url.Values{"key_contact_name": {"Pat Jones"}, "key_contact_email": {"not an email"}, "action": {"draft"}}
	resp, _ := postSectionB(t, c, "contacts", half)
	if resp.StatusCode != http.StatusSeeOther || location(t, resp).Path != "/provider" {
		t.Fatalf("draft: status %d to %s, want 303 to the task list", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := taskStatusB(t, c, "contacts"); got != "In progress" {
		t.Errorf("task status %q after a draft, want In progress", got)
	}
	if after := sectionDataB(t, s, org, "contacts"); after != checked {
		t.Error("a draft replaced the checked answers")
	}
	_, doc := c.Get(t, "/provider/sections/contacts")
	if got := doc.Find("#key_contact_email").AttrOr("value", ""); got != "not an email" {
		t.Errorf("the form shows %q, want the draft's mistake kept for the provider to fix", got)
	}
	if doc.Find("[data-draft]").Length() != 1 {
		t.Error("the form does not say it shows a draft")
	}

	// Submission waits for the draft to be finished.
	_, whole := c.Get(t, "/provider/check")
	if whole.Find(`form[action="/provider/submit"]`).Length() != 0 || whole.Find(`[data-unfinished="contacts"]`).Length() != 1 {
		t.Error("the whole-record check offers to submit a record with a section in draft, or does not say which")
	}
	if pressSubmit := func() int {
		resp, _ := c.Post(t, "/provider/submit", url.Values{"_csrf": {c.CSRF(t, "/provider")}, "version": {"1"}})
		return resp.StatusCode
	}(); pressSubmit < 400 {
		t.Errorf("a crafted submit with a section in draft: status %d", pressSubmit)
	}

	// "Save and continue" checks the draft in full and refuses it, keeping what was typed.
	half.Del("version") // the draft moved the section on a version
	resp, doc = postSectionB(t, c, "contacts", withB(half, "action", "save"))
	wantFieldErrorsB(t, resp, doc, map[string]string{"key_contact_email": "email"})

	// Bank details: a draft never keeps account numbers, and says so.
	resp, _ = postSectionB(t, c, "bank-details", url.Values{"account_name": {"Acorn Fostering"}, "sort_code": {"309430"},
		"account_number": {"12345678"}, "action": {"draft"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bank draft: status %d", resp.StatusCode)
	}
	var draft string
	if err := s.DB.Get(&draft, `SELECT draft_data::text FROM provider_sections WHERE organisation_id = $1 AND section = 'bank-details'`, org); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(draft, "12345678") || strings.Contains(draft, "309430") {
		t.Errorf("a bank draft holds account numbers: %s", draft)
	}
	_, home := c.Get(t, "/provider")
	if !strings.Contains(home.Find(".govuk-notification-banner").Text(), "not kept in a draft") {
		t.Error("the provider is not told the account numbers were not kept")
	}
}
