package browsertest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestStaffCanAskForACorrectionFromThePrivacyNotice follows the privacy notice's "ask us to
// correct your information" link signed out (it asks them to sign in) and as a member of
// staff (it opens the request page, which sends a request); every page passes axe.
func TestStaffCanAskForACorrectionFromThePrivacyNotice(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	tab := browsertest.NewTab(t, browser)

	browsertest.Open(t, tab, s.URL+"/privacy-notice")
	browsertest.AssertAccessible(t, tab)
	if browsertest.Count(t, tab, `[data-rectification-contact] a[href^="mailto:"]`) != 1 {
		t.Error("the notice gives no address to ask without an account")
	}
	browsertest.Click(t, tab, `a[data-rectification-link]`)
	if loc := browsertest.Location(t, tab); loc.Path != "/sign-in" || loc.Query().Get("next") != "/rectification" {
		t.Errorf("signed out, the link went to %s, want sign in and back", loc)
	}

	fin := s.CreateUser(t, "fern.finance@council.example", []auth.Role{auth.RoleFinance}, "")
	browsertest.SignIn(t, tab, s.URL, fin)
	browsertest.Open(t, tab, s.URL+"/privacy-notice")
	if got := browsertest.Click(t, tab, `a[data-rectification-link]`); got != http.StatusOK {
		t.Fatalf("a finance officer following the link: status %d", got)
	}
	if p := browsertest.Location(t, tab).Path; p != "/rectification" {
		t.Fatalf("the link went to %s", p)
	}
	browsertest.AssertAccessible(t, tab)
	browsertest.Click(t, tab, `a[data-new-correction]`)
	browsertest.AssertAccessible(t, tab)
	browsertest.Fill(t, tab, map[string]string{"#location": "My name on my account", "#what_is_wrong": "It says Fern Finanse",
		"#should_say": "Fern Finance"})
	if got := browsertest.Click(t, tab, `form[data-correction-form] button[type="submit"]`); got != http.StatusOK {
		t.Fatalf("sending the request: status %d", got)
	}
	if !strings.HasPrefix(browsertest.Location(t, tab).Path, "/rectification/") || browsertest.Count(t, tab, `[data-status="open"]`) != 1 {
		t.Errorf("after sending, the browser is on %s", browsertest.Location(t, tab))
	}
	browsertest.AssertAccessible(t, tab)
}

// TestAuditViewerReadsInWords opens the DPO's audit log: actions are in words with their
// codes, the explanation of the numbering opens and links to verifying the chain, and the
// page passes axe with the explanation open.
func TestAuditViewerReadsInWords(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	oc := s.SignIn(t, officer, 0)
	oc.Get(t, "/review/providers/"+org)

	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, ""))
	browsertest.Open(t, tab, s.URL+"/dpo/audit-log?action=provider.dbs")
	if got := browsertest.Text(t, tab, `tr[data-action="provider.dbs.viewed"] [data-action-words]`); got != "Viewed a provider's DBS records" {
		t.Errorf("the DBS view reads %q", got)
	}
	if got := browsertest.Text(t, tab, `tr[data-action="provider.dbs.viewed"] [data-action-code]`); got != "provider.dbs.viewed" {
		t.Errorf("the DBS view's code reads %q", got)
	}
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(`details[data-numbering] summary`), chromedp.NodeVisible))
	if !strings.Contains(browsertest.Text(t, tab, `details[data-numbering] .govuk-details__text`), "hash chain") {
		t.Error("the numbering explanation does not open")
	}
	browsertest.AssertAccessible(t, tab)
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(`details[data-numbering] a[data-verify-link]`), chromedp.NodeVisible))
	if loc := browsertest.Location(t, tab); loc.Fragment != "verify" {
		t.Errorf("the explanation's link went to %s, not to verifying the chain", loc)
	}
	browsertest.Open(t, tab, s.URL+"/dpo/audit-log")
	if got := browsertest.Click(t, tab, `form#verify button`); got != http.StatusOK || browsertest.Count(t, tab, `[data-verify="intact"]`) != 1 {
		t.Errorf("verifying the chain from the explanation: status %d", got)
	}
}
