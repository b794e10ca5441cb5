package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// sarSharedPhone is the office number six providers' key contacts all give.
const sarSharedPhone = "01632 960000"

// sarSharedPhoneFixture puts six key contacts with the same telephone number in six
// providers' records; the first is Pat, the requester, whose record also gives a shared
// office mailbox (someone else's) as the email address. It returns the request's page and
// the other five names.
func sarSharedPhoneFixture(t *testing.T, s *webtest.Server) (page string, others []string) {
	t.Helper()
	names := []string{"Pat Requester", "Alex Birch", "Sam Cedar", "Jo Douglas", "Kim Elm", "Lee Fir"}
	for i, name := range names {
		org := s.NewOrganisation(t, fmt.Sprintf("Provider %d Ltd", i+1))
		email := fmt.Sprintf("contact%d@provider%d.example", i, i)
		if i == 0 {
			email = "office@provider0.example"
		}
		contacts, err := json.Marshal(provider.ContactsAnswers{KeyContactName: name, KeyContactRole: "Manager", KeyContactEmail: email,
			KeyContactPhone: sarSharedPhone})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data) VALUES ($1, 'contacts', $2)`, org, contacts); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			others = append(others, name)
		}
	}
	var id string
	if err := s.DB.Get(&id, `INSERT INTO sar_requests (requester_name, requester_phone, identity_method, received_on, due_on)
		VALUES ('Pat Requester', '01632960000', 'photo_id', current_date, current_date + 30) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return "/dpo/sar/" + id, others
}

// sarCardTitled says whether a review card is the one whose title holds name.
func sarCardTitled(card *goquery.Selection, name string) bool {
	return strings.Contains(card.Find(".govuk-summary-card__title").Text(), name)
}

// TestSARReviewSharedPhone: a search by a telephone number six key contacts share finds all
// six, with nothing included until the handler says so. The export is refused while any
// has no decision; once the handler includes the requester's (redacting the shared office
// mailbox in it) and leaves the other five out as about other people, the export holds only
// the requester's record, without the redacted detail, and its summary says what was left
// out and redacted and why. The case keeps every decision and the reasons, and the
// disclosure log the counts.
func TestSARReviewSharedPhone(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	page, others := sarSharedPhoneFixture(t, s)
	dpo := s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, "")
	c := s.SignIn(t, dpo, 0)
	results := page + "/search?" + url.Values{"search_phone": {sarSharedPhone}}.Encode()

	resp, doc := c.Get(t, results)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("search: %d", resp.StatusCode)
	}
	cards := doc.Find(`[data-hit-category="provider_contacts"]`)
	if cards.Length() != 6 {
		t.Fatalf("%d contacts found, want 6", cards.Length())
	}
	if n := doc.Find(`form[data-decisions-form] input[type="radio"][checked], form[data-decisions-form] input[type="checkbox"][checked]`).Length(); n != 0 {
		t.Errorf("%d choices are made before the handler made any", n)
	}
	if n := doc.Find("[data-shared-match]").Length(); n != 6 {
		t.Errorf("%d records warn that they matched only on a shared number, want 6", n)
	}

	// Exporting before deciding is refused, back on the results with the reason.
	exportForm := doc.Find("form[data-export-form]")
	exportValues := url.Values{}
	exportForm.Find("input").Each(func(_ int, in *goquery.Selection) { exportValues.Set(in.AttrOr("name", ""), in.AttrOr("value", "")) })
	resp, doc = c.Post(t, exportForm.AttrOr("action", ""), exportValues)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#decisions"] == "" {
		t.Fatalf("export before any decision: %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}

	// A decision on only some records: still refused, saying how many are left.
	resp, _ = sarDecide(t, c, doc, func(card *goquery.Selection) (string, []string) {
		if sarCardTitled(card, "Alex Birch") {
			return "other_person", nil
		}
		return "", nil
	})
	_, doc = c.Get(t, location(t, resp).RequestURI())
	if got := cellText(doc.Find("[data-undecided-count]")); !strings.HasPrefix(got, "5 records have no decision yet") {
		t.Errorf("after one decision the page says %q", got)
	}
	resp, _ = c.Post(t, exportForm.AttrOr("action", ""), exportValues)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("export with five records undecided: %d, want 422", resp.StatusCode)
	}

	// Redacting a detail of a record left out is refused beside that record.
	resp, doc = sarDecide(t, c, doc, func(card *goquery.Selection) (string, []string) {
		if sarCardTitled(card, "Sam Cedar") {
			return "other_person", []string{"email"}
		}
		return "", nil
	})
	if resp.StatusCode != http.StatusUnprocessableEntity || len(summaryLinks(doc)) != 1 {
		t.Errorf("redacting in a record left out: %d, summary %v", resp.StatusCode, summaryLinks(doc))
	}

	// The handler includes Pat's, redacting the office mailbox, and leaves the rest out.
	_, doc = c.Get(t, results)
	resp, _ = sarDecide(t, c, doc, func(card *goquery.Selection) (string, []string) {
		if sarCardTitled(card, "Pat Requester") {
			return "include", []string{"email"}
		}
		return "other_person", nil
	})
	_, doc = c.Get(t, location(t, resp).RequestURI())
	if doc.Find("[data-all-decided]").Length() != 1 || doc.Find(`[data-decided="other_person"]`).Length() != 5 {
		t.Fatalf("after deciding: %q", cellText(doc.Find("[data-undecided-count]")))
	}
	files := sarUnzip(t, sarDownload(t, c, exportForm.AttrOr("action", ""), exportValues))
	summary, data := string(files["summary.html"]), string(files["data.json"])
	for _, name := range others {
		if strings.Contains(summary, name) || strings.Contains(data, name) {
			t.Errorf("the export holds %s, who was left out", name)
		}
	}
	if strings.Contains(summary, "office@provider0.example") || strings.Contains(data, "office@provider0.example") {
		t.Error("the export holds the redacted email address")
	}
	var got struct {
		Contacts []provider.Contact `json:"provider_contacts"`
		Withheld struct {
			LeftOut  map[string]int `json:"records_left_out"`
			Redacted map[string]int `json:"details_redacted"`
		} `json:"withheld"`
	}
	if err := json.Unmarshal(files["data.json"], &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Contacts) != 1 || got.Contacts[0].Name != "Pat Requester" || got.Contacts[0].Email != "[redacted: third party]" {
		t.Errorf("data.json contacts: %+v", got.Contacts)
	}
	if got.Withheld.LeftOut["other_person"] != 5 || got.Withheld.Redacted["Email"] != 1 {
		t.Errorf("data.json withheld: %+v", got.Withheld)
	}
	sdoc, err := goquery.NewDocumentFromReader(strings.NewReader(summary))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	sdoc.Find("[data-withheld] li").Each(func(_ int, li *goquery.Selection) { lines = append(lines, cellText(li)) })
	if len(lines) != 2 || lines[0] != "5 records left out: about other people" || lines[1] != "1 detail redacted: third-party details, email (1)" {
		t.Errorf("the summary says what was left out as %q", lines)
	}

	// The case keeps every decision and its reason, and the log what each export withheld.
	id := strings.TrimPrefix(page, "/dpo/sar/")
	if n := count(t, s, `SELECT count(*) FROM sar_decisions WHERE request_id = $1 AND decision = 'other_person' AND redacted_fields = '{}'
		AND by_name = $2 AND description LIKE 'Key contact in Provider % Ltd''s record'`, id, dpo.Name); n != 5 {
		t.Errorf("%d records left out on record, want 5", n)
	}
	if n := count(t, s, `SELECT count(*) FROM sar_decisions WHERE request_id = $1 AND decision = 'include' AND redacted_fields = '{email}'`, id); n != 1 {
		t.Errorf("%d records included with the email redacted on record, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM sar_decisions WHERE request_id = $1 AND description LIKE '%Birch%'`, id); n != 0 {
		t.Error("the case record names a person who was left out")
	}
	if n := count(t, s, `SELECT count(*) FROM sar_disclosures WHERE request_id = $1 AND (withheld->'records_left_out'->>'other_person')::int = 5
		AND (categories->>'provider_contacts')::int = 1`, id); n != 1 {
		t.Errorf("%d disclosures logged with what was left out", n)
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'sar.decided' AND object_id = $1`, id); n != 2 {
		t.Errorf("decisions audited %d times, want 2 (one per save that changed something)", n)
	}
	_, doc = c.Get(t, page)
	if row := doc.Find("[data-disclosures] [data-disclosure]"); !strings.Contains(cellText(row), "5 records left out: about other people") {
		t.Errorf("the request page's disclosure log: %q", cellText(row))
	}
}

// TestSARDecisionsDoNotOverwrite: two handlers look at the same results; the first
// includes a record, and the second, deciding from what they saw before, is refused (409)
// and shown the first one's decision, which stays.
func TestSARDecisionsDoNotOverwrite(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	page, _ := sarSharedPhoneFixture(t, s)
	a := s.SignIn(t, s.CreateUser(t, "dee@council.example", []auth.Role{auth.RoleDPO}, ""), 0)
	b := s.SignIn(t, s.CreateUser(t, "dan@council.example", []auth.Role{auth.RoleDPO}, ""), 0)
	results := page + "/search?" + url.Values{"search_phone": {sarSharedPhone}}.Encode()
	_, docA := a.Get(t, results)
	_, docB := b.Get(t, results)
	pat := func(decision string) func(*goquery.Selection) (string, []string) {
		return func(card *goquery.Selection) (string, []string) {
			if sarCardTitled(card, "Pat Requester") {
				return decision, nil
			}
			return "", nil
		}
	}
	resp, _ := sarDecide(t, a, docA, pat("include"))
	location(t, resp)
	resp, docB = sarDecide(t, b, docB, pat("other_person"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(summaryLinks(docB)["#decisions"], "Nothing you chose was saved") {
		t.Fatalf("second handler's stale decision: %d, summary %v", resp.StatusCode, summaryLinks(docB))
	}
	if docB.Find(`[data-decided="include"]`).Length() != 1 {
		t.Error("the refused handler is not shown the decision that was made")
	}
	id := strings.TrimPrefix(page, "/dpo/sar/")
	if n := count(t, s, `SELECT count(*) FROM sar_decisions WHERE request_id = $1 AND decision = 'include' AND version = 1`, id); n != 1 {
		t.Error("the first decision was overwritten")
	}
	// Seen afresh, the second handler can change it, naming the version they saw.
	_, docB = b.Get(t, results)
	resp, _ = sarDecide(t, b, docB, pat("other_person"))
	location(t, resp)
	if n := count(t, s, `SELECT count(*) FROM sar_decisions WHERE request_id = $1 AND decision = 'other_person' AND version = 2`, id); n != 1 {
		t.Error("a decision made from the current version was not saved")
	}
}

// TestSARReviewOnlyForTheDataProtectionOfficer: officers, finance, admins and the
// providers whose records were found can neither see the results nor decide.
func TestSARReviewOnlyForTheDataProtectionOfficer(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	page, _ := sarSharedPhoneFixture(t, s)
	var org string
	if err := s.DB.Get(&org, `SELECT id FROM organisations WHERE name = 'Provider 1 Ltd'`); err != nil {
		t.Fatal(err)
	}
	results := page + "/search?" + url.Values{"search_phone": {sarSharedPhone}}.Encode()
	for i, role := range []auth.Role{auth.RoleOfficer, auth.RoleFinance, auth.RoleAdmin, auth.RoleProvider} {
		orgID := ""
		if role == auth.RoleProvider {
			orgID = org
		}
		u := s.CreateUser(t, fmt.Sprintf("someone%d@example.gov.uk", i), []auth.Role{role}, orgID)
		c, csrf := sessionAs(t, s, u.ID, auth.StageFull)
		if resp, _ := c.Get(t, results); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s sees the results: %d", role, resp.StatusCode)
		}
		resp, _ := c.Post(t, page+"/decisions", form(csrf, "search_phone", sarSharedPhone, "hit-0-key", "x", "hit-0-decision", "include"))
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s decides: %d", role, resp.StatusCode)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sar_decisions`); n != 0 {
		t.Errorf("%d decisions recorded by people who may not decide", n)
	}
}
