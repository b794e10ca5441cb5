package web_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/webtest"
)

// ratingShown is a rating and its concerns (rule and words) as one page shows them.
type ratingShown struct {
	RAG      string
	Concerns []string
}

// listedRating reads the rating and reasons a list (directory or dashboard) shows in the
// provider's row.
func listedRating(doc *goquery.Document, table, orgID string) ratingShown {
	row := doc.Find(table + ` tr[data-provider="` + orgID + `"]`)
	out := ratingShown{RAG: row.Find("[data-rag]").First().AttrOr("data-rag", "")}
	row.Find("[data-rag-reason]").Each(func(_ int, li *goquery.Selection) {
		why := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(li.Text()), li.Find(".govuk-visually-hidden").Text()))
		out.Concerns = append(out.Concerns, li.AttrOr("data-rag-reason", "")+": "+why)
	})
	return out
}

// TestRatingsAgreeEverywhere is the provider of issue 15: a children's home whose accepted
// change says it is not registered with Ofsted, and whose accepted KPI return is red.
// Accepting each re-rates it at once, so before anyone opens its page the directory and the
// dashboard already show it red with the reasons in words, and its own page shows the same
// rating and the same reasons.
func TestRatingsAgreeEverywhere(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	org := s.NewOrganisation(t, "Hilltop Children's Homes")
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved' WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	section := func(key provider.SectionKey, approved, working provider.Answers, pending bool) {
		t.Helper()
		a, _ := json.Marshal(approved)
		w, _ := json.Marshal(working)
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed, pending_review)
			VALUES ($1, $2, $3, $4, true, $5) ON CONFLICT (organisation_id, section) DO UPDATE SET data = $3, approved_data = $4, pending_review = $5`,
			org, string(key), w, a, pending); err != nil {
			t.Fatal(err)
		}
	}
	home := &provider.OrganisationAnswers{LegalName: "Hilltop Children's Homes Ltd", ServiceCategories: []string{"childrens_homes"}}
	section(provider.SectionOrganisation, home, home, false)
	judged := dashDays(-100)
	registered := &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "good", JudgementDate: formpkg.DateInputOf(&judged)}}}
	unregistered := &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no", NotRegisteredReason: "Our registration lapsed."}
	section(provider.SectionRegulation, registered, unregistered, true)
	// The daily job rated it with the registration approved before.
	if _, err := quality.RefreshCompliance(context.Background(), s.DB, s.Services.Quality.Today()); err != nil {
		t.Fatal(err)
	}
	before, err := quality.StoredCompliance(context.Background(), s.DB, org)
	if err != nil {
		t.Fatal(err)
	}
	if before.RAG == quality.Red {
		t.Fatalf("red before the change: %+v", before.Reasons)
	}

	// An officer accepts the change.
	olive, err := auth.UserByEmail(context.Background(), s.DB, "olive@council.example")
	if err != nil {
		t.Fatal(err)
	}
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: olive.ID, Email: olive.Email, Roles: []string{"officer"}})
	var version int
	if err := s.DB.Get(&version, `SELECT version FROM provider_sections WHERE organisation_id = $1 AND section = 'regulation'`, org); err != nil {
		t.Fatal(err)
	}
	if err := s.Providers.AcceptSectionChange(ctx, org, provider.SectionRegulation, version); err != nil {
		t.Fatal(err)
	}

	// And accepts a monitoring return whose value is red.
	kpi := dashKPI(t, s, dashContract(t, s, org, "C-HILL", "Residential placements", "active", dashDays(300)), "Placement stability")
	monthEnd := time.Date(dashToday().Year(), dashToday().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	ret := dashReturn(t, s, kpi, monthEnd, 60)
	if err := s.DB.Get(&version, `SELECT version FROM monitoring_returns WHERE id = $1`, ret); err != nil {
		t.Fatal(err)
	}
	if err := s.Services.Contracts.AcceptReturn(ctx, ret, version); err != nil {
		t.Fatal(err)
	}

	const why = "ofsted: Not registered with Ofsted, but it provides children's homes, which must be registered with Ofsted."
	directory := listedRating(dirGet(t, oc, "/providers"), "[data-directory]", org)
	dashboard := listedRating(dirGet(t, oc, "/dashboard"), "[data-rag-concerns]", org)
	// The directory's download carries the rating with its reasons too.
	_, body := dirDownload(t, oc, "/providers.csv")
	if rows := dirCSV(t, body); len(rows) != 2 || rows[0][5] != "Compliance reasons" || rows[1][4] != "Red" ||
		!strings.HasPrefix(rows[1][5], strings.TrimPrefix(why, "ofsted: ")) {
		t.Errorf("directory download: %q", rows)
	}
	page := dirGet(t, oc, "/providers/"+org)
	shown := ratingShown{RAG: page.Find("[data-compliance]").AttrOr("data-compliance", "")}
	page.Find(`[data-compliance] tr[data-reason]`).Each(func(_ int, tr *goquery.Selection) {
		if tr.AttrOr("data-reason-rag", "") != "green" {
			shown.Concerns = append(shown.Concerns, tr.AttrOr("data-reason", "")+": "+strings.TrimSpace(tr.Find("td").Last().Text()))
		}
	})
	if shown.RAG != "red" || len(shown.Concerns) == 0 || shown.Concerns[0] != why {
		t.Fatalf("provider page: %+v, want red first saying %q", shown, why)
	}
	if !slices.ContainsFunc(shown.Concerns, func(c string) bool {
		return strings.HasPrefix(c, "kpis: Placement stability on contract C-HILL is red, 60%")
	}) {
		t.Errorf("provider page: %+v, want the red KPI among the reasons", shown)
	}
	for name, got := range map[string]ratingShown{"directory": directory, "dashboard": dashboard} {
		if got.RAG != shown.RAG || strings.Join(got.Concerns, "\n") != strings.Join(shown.Concerns, "\n") {
			t.Errorf("%s shows %+v; the provider page shows %+v", name, got, shown)
		}
	}
}
