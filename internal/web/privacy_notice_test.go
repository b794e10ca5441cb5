package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/jmoiron/sqlx"
)

// publishNotice publishes a new provider notice version in force from today.
func publishNotice(t *testing.T, s *webtest.Server, title, body string) *privacy.Notice {
	t.Helper()
	n, err := privacy.Publish(audit.WithActor(context.Background(), audit.System), s.DB, privacy.AudienceProvider, title, body, time.Now(), "Test DPO")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// acknowledgeCurrent records that the user read the notice in force now.
func acknowledgeCurrent(t *testing.T, s *webtest.Server, userID string) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.System)
	n, err := privacy.Current(ctx, s.DB, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error { return privacy.Acknowledge(ctx, tx, userID, n.ID, nil) }); err != nil {
		t.Fatal(err)
	}
}

// TestPrivacyNoticePages: the notice in force, in full, with its version and date, for
// anyone, at /privacy-notice and at the footer's /privacy.
func TestPrivacyNoticePages(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	for _, path := range []string{"/privacy-notice", "/privacy"} {
		resp, doc := s.NewClient(t).Get(t, path)
		if resp.StatusCode != http.StatusOK || heading(doc) != "Privacy notice for care providers" {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, heading(doc))
		}
		shownNotice(t, s, doc, 1)
		if got := doc.Find("[data-notice-version]").Text(); !strings.Contains(got, "1 January 2026") {
			t.Errorf("%s: effective date not shown: %q", path, got)
		}
	}
	publishNotice(t, s, "Privacy notice for care providers (2)", "## What we collect\n\nLess than before, for {council_name}. Write to {dpo_email}.\n\n<script>alert(1)</script>\n\nSee <a href=\"javascript:alert(1)\" onclick=\"alert(1)\">this</a>.\n")
	for _, path := range []string{"/privacy-notice", "/privacy"} {
		_, doc := s.NewClient(t).Get(t, path)
		if heading(doc) != "Privacy notice for care providers (2)" {
			t.Errorf("%s after publishing: %q", path, heading(doc))
		}
		shownNotice(t, s, doc, 2)
		body := doc.Find("[data-notice-body]")
		if body.Find("script, [onclick], a[href^='javascript']").Length() != 0 {
			t.Errorf("%s: the notice body runs script", path)
		}
	}
}

// TestNoticeGate: once a newer notice is published, a provider who acknowledged the older
// one reads the new one before anything else, at their next request, and then carries on.
func TestNoticeGate(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	acknowledgeCurrent(t, s, u.ID)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	c := s.SignIn(t, u, 0)
	if resp, _ := c.Get(t, "/organisation/members"); resp.StatusCode != http.StatusOK {
		t.Fatalf("before a new notice: %d", resp.StatusCode)
	}
	csrf := c.CSRF(t, "/organisation/members")

	v2 := publishNotice(t, s, "Privacy notice for care providers", "## What we collect\n\nRather less, from now on.\n")
	gated := []struct {
		method, path, next string
	}{
		{"GET", "/organisation/members?tab=1", "/organisation/members?tab=1"},
		{"GET", "/", "/"},
		{"POST", "/organisation/members", "/"},
	}
	for _, g := range gated {
		var resp *http.Response
		if g.method == http.MethodGet {
			resp, _ = c.Get(t, g.path)
		} else {
			resp, _ = c.Post(t, g.path, url.Values{"_csrf": {csrf}, "email": {"sam@acorn.example"}})
		}
		loc := location(t, resp)
		if loc.Path != "/privacy-notice/acknowledge" || loc.Query().Get("next") != g.next {
			t.Errorf("%s %s: sent to %s, want the notice then %s", g.method, g.path, loc, g.next)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM membership_invitations`); n != 0 {
		t.Errorf("a gated POST did its work: %d invitations", n)
	}
	// The notice pages, sign-out's page and the public pages stay reachable.
	for _, path := range []string{"/privacy-notice", "/privacy", "/accessibility"} {
		if resp, _ := c.Get(t, path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s while the notice is due: %d", path, resp.StatusCode)
		}
	}
	// Staff are not held.
	if resp, _ := s.SignIn(t, officer, 0).Get(t, "/"); resp.StatusCode != http.StatusOK {
		t.Errorf("an officer's home while a provider notice is due: %d", resp.StatusCode)
	}

	resp, doc := c.Get(t, "/privacy-notice/acknowledge?next="+url.QueryEscape("/organisation/members?tab=1"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("acknowledge page: %d", resp.StatusCode)
	}
	id := doc.Find(`input[name="notice_id"]`).AttrOr("value", "")
	if id != v2.ID || doc.Find("[data-notice-body] h2").Text() != "What we collect" {
		t.Errorf("acknowledge page shows notice %s (%q), want version 2 in full", id, doc.Find("[data-notice-body]").Text())
	}
	form := url.Values{"_csrf": {doc.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "next": {doc.Find(`input[name="next"]`).AttrOr("value", "")}}

	// Acknowledging a notice other than the current one records nothing.
	stale := url.Values{"_csrf": form["_csrf"], "next": form["next"], "notice_id": {"00000000-0000-4000-8000-000000000000"}}
	if resp, _ = c.Post(t, "/privacy-notice/acknowledge", stale); location(t, resp).Path != "/privacy-notice/acknowledge" {
		t.Errorf("a stale acknowledgement was not sent back to the notice")
	}
	form.Set("notice_id", id)
	resp, _ = c.Post(t, "/privacy-notice/acknowledge", form)
	if loc := location(t, resp); loc.String() != "/organisation/members?tab=1" {
		t.Errorf("after acknowledging: sent to %s, want where they were going", loc)
	}
	if resp, _ = c.Get(t, "/organisation/members?tab=1"); resp.StatusCode != http.StatusOK {
		t.Errorf("after acknowledging: %d", resp.StatusCode)
	}
	latest, err := privacy.LatestAcknowledgement(t.Context(), s.DB, u.ID, privacy.AudienceProvider)
	if err != nil || latest == nil || latest.Version != 2 || latest.NoticeID != v2.ID {
		t.Fatalf("latest acknowledgement %+v, %v; want version 2", latest, err)
	}
	if n := count(t, s, `SELECT count(*) FROM notice_acknowledgements WHERE user_id = $1`, u.ID); n != 2 {
		t.Errorf("%d acknowledgements, want versions 1 and 2", n)
	}
	// With nothing left to read the page sends them on.
	if resp, _ = c.Get(t, "/privacy-notice/acknowledge?next=/provider"); location(t, resp).Path != "/provider" {
		t.Error("the acknowledge page held someone with nothing to read")
	}
}
