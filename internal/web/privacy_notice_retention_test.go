package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/webtest"
)

// noticeRetentionItems is the list under the shown notice's "How long we keep it" heading.
func noticeRetentionItems(doc *goquery.Document) []string {
	var out []string
	doc.Find("h2").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Text()) == "How long we keep it"
	}).NextUntil("h2").Filter("ul").Find("li").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// TestPrivacyNoticeRetentionFollowsTheRules: the notice in force lists each retention rule
// as the schedule has it, and when the data protection officer changes a rule the notice
// says the new period at once.
func TestPrivacyNoticeRetentionFollowsTheRules(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	shown := func() []string {
		t.Helper()
		resp, doc := s.NewClient(t).Get(t, "/privacy-notice")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/privacy-notice: %d", resp.StatusCode)
		}
		return noticeRetentionItems(doc)
	}
	says := func(items []string, name, rule string) bool {
		for _, it := range items {
			if strings.HasPrefix(it, name+":") && strings.Contains(it, "Kept for "+rule+", then ") {
				return true
			}
		}
		return false
	}
	items := shown()
	if len(items) != len(retention.Categories) {
		t.Errorf("the notice lists %d kinds of information, want the %d categories: %q", len(items), len(retention.Categories), items)
	}
	rules, err := retention.Rules(context.Background(), s.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		c, _ := retention.CategoryByKey(r.Category)
		if !says(items, c.Name, r.Describe()) {
			t.Errorf("the notice does not say %s are kept for %s: %q", c.Name, r.Describe(), items)
		}
	}

	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	c, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	resp, _ := c.Post(t, "/dpo/retention/rules/"+retention.CategoryContractRecords, form(csrf, "months", "96", "trigger", "contract_end", "version", "0"))
	location(t, resp)
	items = shown()
	if !says(items, "Contract records", "8 years after the contract ends") || says(items, "Contract records", "6 years after the contract ends") {
		t.Errorf("after the rule changed to 8 years the notice says %q", items)
	}
}
