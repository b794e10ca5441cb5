package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/retention"
	"github.com/council/provider-portal/internal/webtest"
)

// TestProcessingRecordMatchesRules checks the record of processing lists every category of
// personal data, and that every retention rule appears on it with the same period, before
// and after the data protection officer changes one.
func TestProcessingRecordMatchesRules(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	dpo := s.CreateUser(t, "dana@council.example", []auth.Role{auth.RoleDPO}, "")
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	dc, csrf := sessionAs(t, s, dpo.ID, auth.StageFull)
	oc, _ := sessionAs(t, s, officer.ID, auth.StageFull)

	check := func(when string) {
		t.Helper()
		resp, doc := oc.Get(t, "/record-of-processing")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", when, resp.StatusCode)
		}
		rules, err := retention.Rules(context.Background(), s.DB)
		if err != nil {
			t.Fatal(err)
		}
		ruled := map[string]bool{}
		for _, r := range rules {
			ruled[r.Category] = true
			got := strings.TrimSpace(doc.Find(`[data-category="` + r.Category + `"] [data-retention]`).Text())
			if got != r.Describe() {
				t.Errorf("%s: the record says %s is kept for %q; the rule says %q", when, r.Category, got, r.Describe())
			}
		}
		for _, c := range retention.Categories {
			sel := doc.Find(`[data-category="` + c.Key + `"]`)
			if sel.Length() != 1 {
				t.Errorf("%s: category %s appears %d times", when, c.Key, sel.Length())
				continue
			}
			if !ruled[c.Key] && strings.TrimSpace(sel.Find("[data-retention]").Text()) != c.KeptFor {
				t.Errorf("%s: %s without a rule shows %q", when, c.Key, sel.Find("[data-retention]").Text())
			}
			for _, want := range []string{c.Purpose, c.Recipients} {
				if !strings.Contains(sel.Text(), want) {
					t.Errorf("%s: %s does not show %q", when, c.Key, want)
				}
			}
		}
	}
	check("with the defaults")
	resp, _ := dc.Post(t, "/dpo/retention/rules/"+retention.CategoryContractRecords, form(csrf, "months", "96", "trigger", "contract_end", "version", "0"))
	if loc := location(t, resp); loc.Path != "/dpo/retention" {
		t.Fatalf("saving the rule went to %s", loc)
	}
	check("after a change")
	_, doc := oc.Get(t, "/record-of-processing")
	if got := strings.TrimSpace(doc.Find(`[data-category="contract_records"] [data-retention]`).Text()); got != "8 years after the contract ends" {
		t.Errorf("the changed rule shows as %q", got)
	}
}
