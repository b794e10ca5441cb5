package browsertest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// TestUnregisteredChildrensHomeIsRed: a children's home that says it is not registered with
// Ofsted is red, with the reason in words, on its page (JavaScript on), and the directory
// and dashboard show the same rating and reason. Each page passes axe.
func TestUnregisteredChildrensHomeIsRed(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Hilltop Children's Homes")
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved' WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	for key, answers := range map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: "Hilltop Children's Homes Ltd", ServiceCategories: []string{"childrens_homes"}},
		provider.SectionRegulation:   &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no", NotRegisteredReason: "Our registration lapsed."},
	} {
		js, err := json.Marshal(answers)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed) VALUES ($1, $2, $3, $3, true)`,
			org, string(key), js); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.SignIn(t, b, s.URL, s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, ""))
	const why = "Not registered with Ofsted, but it provides children's homes, which must be registered with Ofsted."

	if got := browsertest.Open(t, b, s.URL+"/providers/"+org); got != http.StatusOK {
		t.Fatalf("provider page: status %d", got)
	}
	if got := browsertest.Text(t, b, `[data-compliance-overall] [data-rag]`); got != "Red" {
		t.Errorf("overall rating %q, want Red", got)
	}
	if got := browsertest.Text(t, b, `[data-compliance] tr[data-reason="ofsted"] td:last-child`); got != why {
		t.Errorf("Ofsted reason %q, want %q", got, why)
	}
	browsertest.AssertAccessible(t, b)

	for _, page := range []struct{ path, row string }{
		{"/providers", `[data-directory] tr[data-provider="` + org + `"]`},
		{"/dashboard", `[data-rag-concerns] tr[data-provider="` + org + `"]`},
	} {
		if got := browsertest.Open(t, b, s.URL+page.path); got != http.StatusOK {
			t.Fatalf("%s: status %d", page.path, got)
		}
		if got := browsertest.Text(t, b, page.row+` [data-rag]`); got != "Red" {
			t.Errorf("%s: rating %q, want Red", page.path, got)
		}
		if got := browsertest.Text(t, b, page.row+` [data-rag-reason="ofsted"]`); !strings.HasSuffix(got, why) {
			t.Errorf("%s: reason %q, want %q", page.path, got, why)
		}
		browsertest.AssertAccessible(t, b)
	}
}
