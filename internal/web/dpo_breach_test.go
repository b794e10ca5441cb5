package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// ukClock gives the date and time fields of an instant as the forms take them, in UK time.
func ukClock(t *testing.T, prefix string, at time.Time) []string {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	l := at.In(london)
	return []string{prefix + "_on-day", strconv.Itoa(l.Day()), prefix + "_on-month", strconv.Itoa(int(l.Month())),
		prefix + "_on-year", strconv.Itoa(l.Year()), prefix + "_time", l.Format("15:04")}
}

// recordBreach records a breach discovered at the given time and returns its page's path.
func recordBreach(t *testing.T, c *webtest.Client, csrf, title string, discovered time.Time) string {
	t.Helper()
	kv := append([]string{"title", title, "description", "A list of DBS checks was emailed to the wrong provider"},
		ukClock(t, "discovered", discovered)...)
	resp, _ := c.Post(t, "/dpo/breaches", form(csrf, kv...))
	return location(t, resp).Path
}

func deadlineText(doc *goquery.Document) string {
	return strings.TrimSpace(doc.Find("[data-deadline-box] [data-deadline]").Text())
}

// TestBreachRegisterDeadlinesAndDecisions follows a breach from discovery through the risk
// assessment, the decision, the report to the ICO and who was told, to closing it, with the
// 72-hour deadline counting down on the server-rendered page.
func TestBreachRegisterDeadlinesAndDecisions(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)

	resp, doc := c.Post(t, "/dpo/breaches", form(csrf, "discovered_time", "25:99", "people_affected", "lots"))
	links := summaryLinks(doc)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("empty breach: status %d", resp.StatusCode)
	}
	for _, f := range []string{"#title", "#description", "#discovered_on", "#discovered_time", "#people_affected"} {
		if links[f] == "" {
			t.Errorf("empty breach: no message for %s in %v", f, links)
		}
	}
	if v, _ := inputValue(doc, "discovered_time"); v != "25:99" {
		t.Errorf("the time typed is not kept: %q", v)
	}

	now := time.Now()
	// Discovered 69½ hours ago: 2 hours (and a half) left. 80½ hours ago: 8 hours overdue.
	path := recordBreach(t, c, csrf, "DBS list to the wrong provider", now.Add(-69*time.Hour-30*time.Minute))
	late := recordBreach(t, c, csrf, "Laptop left on a train", now.Add(-80*time.Hour-30*time.Minute))
	_, doc = c.Get(t, path)
	if got := deadlineText(doc); got != "2 hours left" {
		t.Errorf("deadline %q, want 2 hours left", got)
	}
	_, doc = c.Get(t, late)
	if got := deadlineText(doc); got != "Overdue by 8 hours" {
		t.Errorf("deadline %q, want Overdue by 8 hours", got)
	}
	_, doc = c.Get(t, "/dpo/breaches")
	var states []string
	doc.Find("[data-breaches] tbody tr [data-deadline]").Each(func(_ int, sel *goquery.Selection) { states = append(states, sel.AttrOr("data-deadline", "")) })
	if strings.Join(states, ",") != "running,overdue" {
		t.Errorf("register deadlines %v, want the newer breach first, running, then the overdue one", states)
	}

	id := strings.TrimPrefix(path, "/dpo/breaches/")
	version := func() string {
		_, doc := c.Get(t, path)
		return doc.Find(`form[action$="/assessment"] input[name="version"]`).AttrOr("value", "")
	}
	resp, doc = c.Post(t, path+"/assessment", form(csrf, "risk", "risk", "risk_assessment", "Names and DBS levels of four staff",
		"decision", "not_report", "decision_reason", "Sent to a provider we trust", "version", version()))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#decision"], "must be reported") {
		t.Errorf("not reporting a risk: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	if v := doc.Find("#risk_assessment").Text(); v != "Names and DBS levels of four staff" {
		t.Errorf("the assessment typed is not kept: %q", v)
	}
	if resp, _ := c.Post(t, path+"/close", form(csrf, "version", version())); resp.StatusCode != http.StatusConflict {
		t.Errorf("closing before a decision: status %d, want 409", resp.StatusCode)
	}
	stale := version()
	resp, _ = c.Post(t, path+"/assessment", form(csrf, "risk", "high", "risk_assessment", "Names and DBS levels of four staff",
		"decision", "report", "decision_reason", "Criminal offence data sent outside the council", "version", stale))
	location(t, resp)
	if resp, _ := c.Post(t, path+"/assessment", form(csrf, "risk", "high", "risk_assessment", "x", "decision", "report",
		"decision_reason", "y", "version", stale)); resp.StatusCode != http.StatusConflict {
		t.Errorf("saving over a newer version: status %d, want 409", resp.StatusCode)
	}
	if resp, _ := c.Post(t, path+"/close", form(csrf, "version", version())); resp.StatusCode != http.StatusConflict {
		t.Errorf("closing before the report is recorded: status %d, want 409", resp.StatusCode)
	}

	reported := append([]string{"ico_reference", "ICO-00123", "version", version()}, ukClock(t, "reported", now.Add(-time.Hour))...)
	resp, _ = c.Post(t, path+"/report", form(csrf, reported...))
	location(t, resp)
	_, doc = c.Get(t, path)
	if got := deadlineText(doc); got != "Reported in time" {
		t.Errorf("after the report: %q", got)
	}
	if got := doc.Find("[data-reported]").Text(); !strings.Contains(got, "ICO-00123") {
		t.Errorf("reported: %q", got)
	}

	resp, doc = c.Post(t, path+"/notifications", form(csrf, "version", version(), "told_on-day", "1", "told_on-month", "1", "told_on-year", "2020"))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#audience"] == "" || summaryLinks(doc)["#who"] == "" ||
		summaryLinks(doc)["#told_on"] == "" {
		t.Errorf("empty notification: status %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}
	today := time.Now()
	resp, _ = c.Post(t, path+"/notifications", form(csrf, "version", version(), "audience", "people", "who", "The four members of staff",
		"told_on-day", strconv.Itoa(today.Day()), "told_on-month", strconv.Itoa(int(today.Month())), "told_on-year", strconv.Itoa(today.Year()),
		"how", "By letter"))
	location(t, resp)
	resp, _ = c.Post(t, path+"/close", form(csrf, "version", version()))
	location(t, resp)
	_, doc = c.Get(t, path)
	if !strings.HasPrefix(strings.TrimSpace(doc.Find("[data-status]").Text()), "Closed") || doc.Find("form").Length() != 1 {
		t.Errorf("closed breach: status %q, %d forms (only sign-out)", doc.Find("[data-status]").Text(), doc.Find("form").Length())
	}
	if !strings.Contains(doc.Find("[data-notifications]").Text(), "The four members of staff") {
		t.Error("who was told is not shown")
	}
	if resp, _ := c.Post(t, path+"/assessment", form(csrf, "risk", "high", "risk_assessment", "x", "decision", "report",
		"decision_reason", "y", "version", version())); resp.StatusCode != http.StatusConflict {
		t.Errorf("changing a closed breach: status %d, want 409", resp.StatusCode)
	}
	var actions []string
	if err := s.DB.Select(&actions, `SELECT action FROM audit_events WHERE object_type = 'breach' AND object_id = $1 ORDER BY id`, id); err != nil {
		t.Fatal(err)
	}
	want := "privacy.breach.recorded,privacy.breach.assessed,privacy.breach.reported,privacy.breach.notified,privacy.breach.closed"
	if strings.Join(actions, ",") != want {
		t.Errorf("audited %v, want %s", actions, want)
	}
	for _, p := range []string{"/dpo/breaches/" + noSuchID, "/dpo/breaches/not-an-id"} {
		if resp, _ := c.Get(t, p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}
}
