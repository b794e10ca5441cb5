package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// ctPDF is the smallest file the document store takes as a PDF.
var ctPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// ctProvider is an approved provider organisation, made through the record's own service,
// with a signed-in user.
type ctProvider struct {
	OrgID, Ref, Name string
	User             *webtest.TestUser
	Client           *webtest.Client
}

func ctApprovedProvider(t *testing.T, s *webtest.Server, slug, name, companyNumber string) *ctProvider {
	t.Helper()
	p := &ctProvider{OrgID: s.NewOrganisation(t, name), Name: name}
	p.User = s.CreateUser(t, "pat@"+slug+".example", []auth.Role{auth.RoleProvider}, p.OrgID)
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: p.User.ID, Email: p.User.Email, Roles: []string{"provider"}})
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: name, LegalForm: "company", CompaniesHouseNumber: companyNumber,
			StartDate: formpkg.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme", ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim " + name, KeyContactRole: "Director",
			KeyContactEmail: "kim@" + slug + ".example", KeyContactPhone: "01632 960001"},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "1 Oak Lane", RegTown: "Exampleton", RegPostcode: "EX1 1AA", CorrespondenceSame: "yes"},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := s.Providers.SaveSection(ctx, p.OrgID, def, a, 0); err != nil {
			t.Fatalf("save %s: %v", key, err)
		}
	}
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, p.OrgID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, p.OrgID); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Get(&p.Ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, p.OrgID); err != nil {
		t.Fatal(err)
	}
	p.Client = s.SignIn(t, p.User, 0)
	return p
}

// ctMonthsAgo is the first day of the month n months before this one: a contract starting
// then has n monthly periods ended, the first long overdue.
func ctMonthsAgo(n int) time.Time {
	now := time.Now()
	return time.Date(now.Year(), now.Month()-time.Month(n), 1, 0, 0, 0, 0, time.UTC)
}

func ctDate(v url.Values, name string, t time.Time) {
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// ctContractValues is a valid contract form for provider p, managed by managerID.
func ctContractValues(ref string, p *ctProvider, managerID string, start time.Time) url.Values {
	v := url.Values{"reference": {ref}, "title": {"Residential placements"}, "provider": {p.Ref}, "service_category": {"childrens_homes"},
		"procurement_route": {"framework"}, "framework_name": {"East Midlands regional placements framework"}, "lot": {"2"},
		"total_value": {"1,200,000"}, "annual_value": {"400000"}, "payment_terms": {"Monthly in arrears"}, "manager": {managerID},
		"status": {"active"}, "award_procedure": {"call_off"}, "light_touch": {"yes"}, "cpv_codes": {"85311300-5"},
		"estimated_value": {"1,440,000"}, "maximum_value": {"1,500,000"}}
	ctDate(v, "start_date", start)
	ctDate(v, "end_date", start.AddDate(2, 0, -1))
	return v
}

// ctWorld is an officer, an approved provider with a contract that started three months
// ago and a monthly KPI, and a second approved provider.
type ctWorld struct {
	s              *webtest.Server
	officer        *webtest.TestUser
	oc             *webtest.Client
	acorn, birch   *ctProvider
	contractID     string
	kpiID          string
	firstReturnID  string
	secondReturnID string
}

func newCTWorld(t *testing.T) *ctWorld {
	t.Helper()
	s := webtest.Start(t)
	w := &ctWorld{s: s}
	w.officer = s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	w.oc = s.SignIn(t, w.officer, 0)
	w.acorn = ctApprovedProvider(t, s, "acorn", "Acorn Care Ltd", "01234567")
	w.birch = ctApprovedProvider(t, s, "birch", "Birch Homes Ltd", "07654321")
	csrf := w.oc.CSRF(t, "/contracts/new")
	v := ctContractValues("CYP-2025-001", w.acorn, w.officer.ID, ctMonthsAgo(3))
	v.Set("_csrf", csrf)
	resp, doc := w.oc.Post(t, "/contracts", v)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create contract: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	w.contractID = strings.TrimPrefix(location(t, resp).Path, "/contracts/")
	resp, doc = w.oc.Post(t, "/contracts/"+w.contractID+"/kpis", form(csrf, "name", "Placement stability", "unit", "%", "measure", "percentage", "target", "95",
		"direction", "higher", "amber_threshold", "90", "red_threshold", "80", "frequency", "monthly"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create KPI: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if err := s.DB.Get(&w.kpiID, `SELECT id FROM kpis WHERE contract_id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := s.DB.Select(&ids, `SELECT id FROM monitoring_returns WHERE kpi_id = $1 ORDER BY period_start LIMIT 2`, w.kpiID); err != nil {
		t.Fatal(err)
	}
	w.firstReturnID, w.secondReturnID = ids[0], ids[1]
	return w
}

// ctPage gets a page and fails unless it is 200.
func ctPage(t *testing.T, c *webtest.Client, path string) *goquery.Document {
	t.Helper()
	resp, doc := c.Get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	return doc
}

// ctVersion reads the version a form on the page carries.
func ctVersion(doc *goquery.Document, action string) string {
	return doc.Find(`form[action="`+action+`"] input[name="version"]`).AttrOr("value", "")
}

// ctMultipart posts a multipart form with, when fileName is set, one file in fileField.
func ctMultipart(t *testing.T, c *webtest.Client, path string, fields url.Values, fileField, fileName string, content []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if fileName != "" {
		part, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.Base+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func TestContractFormRefusesAndKeepsInput(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	csrf := w.oc.CSRF(t, "/contracts/new")
	v := ctContractValues("CYP-2025-001", w.acorn, w.officer.ID, ctMonthsAgo(1))
	v.Set("_csrf", csrf)
	v.Set("title", "Short breaks for <script>alert(1)</script>")
	v.Set("annual_value", "£5,000,000")
	v.Set("end_date-day", "31")
	v.Set("end_date-month", "2")
	v.Set("manager", "not-an-id")
	v.Set("status", "terminated")
	v.Set("lot", "line one\nline two")
	resp, doc := w.oc.Post(t, "/contracts", v)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	// Hostile text (a newline in a one-line field) is refused on its own first.
	if links := summaryLinks(doc); len(links) != 1 || !strings.Contains(links["#lot"], "must be on one line") {
		t.Fatalf("summary %v, want the lot's message alone", links)
	}
	v.Set("lot", "2")
	resp, doc = w.oc.Post(t, "/contracts", v)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	links := summaryLinks(doc)
	for field, want := range map[string]string{
		"#reference":          "A contract with this reference already exists",
		"#end_date":           "The end date must be a real date",
		"#manager":            "Select the contract manager from the list",
		"#termination_reason": "Enter the reason the contract was terminated",
	} {
		if !strings.Contains(links[field], want) {
			t.Errorf("summary link %s = %q, want %q (all %v)", field, links[field], want, links)
		}
	}
	if doc.Find("#manager-error").Length() != 1 || doc.Find("#termination_reason-error").Length() != 1 {
		t.Error("the fields have no messages of their own")
	}
	for id, want := range map[string]string{"title": "Short breaks for <script>alert(1)</script>", "annual_value": "£5,000,000", "end_date-day": "31", "reference": "CYP-2025-001"} {
		if got, ok := inputValue(doc, id); !ok || got != want {
			t.Errorf("input %s holds %q, want what was typed, %q", id, got, want)
		}
	}
	if !doc.Find(`input[name="status"][value="terminated"]`).Is("[checked]") || !doc.Find(`input[name="procurement_route"][value="framework"]`).Is("[checked]") {
		t.Error("the radios lost their choices")
	}
	if n := count(t, w.s, `SELECT count(*) FROM contracts`); n != 1 {
		t.Errorf("%d contracts stored, want only the world's", n)
	}
	// A provider who is not approved is refused with a message, not a 500.
	pending := w.s.NewOrganisation(t, "Pending Ltd")
	var ref string
	if err := w.s.DB.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, pending); err != nil {
		t.Fatal(err)
	}
	v = ctContractValues("CYP-2025-002", w.acorn, w.officer.ID, ctMonthsAgo(1))
	v.Set("_csrf", csrf)
	v.Set("provider", ref)
	_, doc = w.oc.Post(t, "/contracts", v)
	if got := summaryLinks(doc)["#provider"]; !strings.Contains(got, "is not an approved provider") {
		t.Errorf("an unapproved provider: %q", got)
	}
}

func TestContractListAndPage(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	doc := ctPage(t, w.oc, "/contracts")
	row := doc.Find(`[data-contract-row="` + w.contractID + `"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "Acorn Care Ltd") || row.Find("[data-contract-status]").AttrOr("data-contract-status", "") != "active" {
		t.Fatalf("the list's row: %q", cellText(row))
	}
	for q, want := range map[string]int{"?q=cyp-2025": 1, "?q=birch": 0, "?status=expiring": 0, "?status=active&category=childrens_homes&route=framework": 1,
		"?status=nonsense": 1, "?provider=" + w.birch.OrgID: 0, "?q=%00%ff": 1} {
		doc := ctPage(t, w.oc, "/contracts"+q)
		if got := doc.Find("[data-contract-row]").Length(); got != want {
			t.Errorf("GET /contracts%s lists %d contracts, want %d", q, got, want)
		}
	}
	doc = ctPage(t, w.oc, "/contracts/"+w.contractID)
	if got := strings.TrimSpace(doc.Find("[data-current-value]").Text()); got != "£1,200,000" {
		t.Errorf("current value %q", got)
	}
	if doc.Find(`[data-kpi-row="`+w.kpiID+`"]`).Length() != 1 {
		t.Error("the contract page does not list its KPI")
	}
	if got := doc.Find(`[data-kpi-row] [data-overdue]`).Text(); strings.TrimSpace(got) == "0" {
		t.Errorf("the KPI shows no overdue returns, though the first period ended months ago")
	}
	if resp, _ := w.oc.Get(t, "/contracts/"+noSuchID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a contract that does not exist: %d", resp.StatusCode)
	}
	if resp, _ := w.oc.Get(t, "/contracts/not-a-uuid"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a malformed id: %d", resp.StatusCode)
	}
}

func TestContractVersionConflict(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	edit := ctPage(t, w.oc, "/contracts/"+w.contractID+"/edit")
	version := ctVersion(edit, "/contracts/"+w.contractID)
	csrf := edit.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	values := func(title string) url.Values {
		v := ctContractValues("CYP-2025-001", w.acorn, w.officer.ID, ctMonthsAgo(3))
		v.Set("_csrf", csrf)
		v.Set("version", version)
		v.Set("title", title)
		return v
	}
	// Another officer saves first.
	other := w.s.CreateUser(t, "owen@council.example", []auth.Role{auth.RoleOfficer}, "")
	oc2 := w.s.SignIn(t, other, 1)
	v2 := values("Placements (renamed by Owen)")
	v2.Set("_csrf", oc2.CSRF(t, "/contracts/"+w.contractID+"/edit"))
	if resp, doc := oc2.Post(t, "/contracts/"+w.contractID, v2); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Owen's save: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	resp, doc := w.oc.Post(t, "/contracts/"+w.contractID, values("Placements (renamed by Olive)"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("Olive's stale save: %d, want 409", resp.StatusCode)
	}
	row := doc.Find(`[data-conflict-field="title"]`)
	if !strings.Contains(row.Text(), "renamed by Owen") || !strings.Contains(row.Text(), "renamed by Olive") {
		t.Errorf("the conflict shows %q", cellText(row))
	}
	if got, _ := inputValue(doc, "title"); got != "Placements (renamed by Olive)" {
		t.Errorf("the form lost Olive's title: %q", got)
	}
	if summaryLinks(doc)["#conflict"] == "" {
		t.Errorf("the error summary does not point at the conflict: %v", summaryLinks(doc))
	}
	var title string
	if err := w.s.DB.Get(&title, `SELECT title FROM contracts WHERE id = $1`, w.contractID); err != nil || title != "Placements (renamed by Owen)" {
		t.Errorf("stored title %q (%v): the stale save overwrote it", title, err)
	}
	// Saving again from the conflict page is a decision, and goes through.
	v := values("Placements (renamed by Olive)")
	v.Set("version", ctVersion(doc, "/contracts/"+w.contractID))
	if resp, _ := w.oc.Post(t, "/contracts/"+w.contractID, v); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("saving again after the conflict: %d", resp.StatusCode)
	}
}

func TestContractTerminationNeedsAReason(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	edit := ctPage(t, w.oc, "/contracts/"+w.contractID+"/edit")
	v := ctContractValues("CYP-2025-001", w.acorn, w.officer.ID, ctMonthsAgo(3))
	v.Set("_csrf", edit.Find(`input[name="_csrf"]`).First().AttrOr("value", ""))
	v.Set("version", ctVersion(edit, "/contracts/"+w.contractID))
	v.Set("status", "terminated")
	resp, doc := w.oc.Post(t, "/contracts/"+w.contractID, v)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#termination_reason"] == "" {
		t.Fatalf("terminating without a reason: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	v.Set("termination_reason", "The home closed")
	if resp, doc := w.oc.Post(t, "/contracts/"+w.contractID, v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("terminating with a reason: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	doc = ctPage(t, w.oc, "/contracts/"+w.contractID)
	if got := doc.Find("[data-contract-status]").First().AttrOr("data-contract-status", ""); got != "terminated" {
		t.Errorf("status %q", got)
	}
	if !strings.Contains(doc.Find("[data-termination]").Text(), "The home closed") {
		t.Errorf("the page does not give the reason: %q", doc.Find("[data-termination]").Text())
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'contract.status.terminated' AND object_id = $1
		AND summary->'changes'->'termination_reason'->>'to' = 'The home closed'`, w.contractID); n != 1 {
		t.Errorf("%d audit events for the termination", n)
	}
}

func TestContractVariationIsAudited(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	path := "/contracts/" + w.contractID + "/variations"
	csrf := w.oc.CSRF(t, path+"/new")
	v := url.Values{"_csrf": {csrf}, "description": {"Two more placements a year"}, "value_change": {"lots"}}
	ctDate(v, "varied_on", ctMonthsAgo(1))
	resp, doc := w.oc.Post(t, path, v)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#value_change"] == "" {
		t.Fatalf("a value change in words: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got, _ := inputValue(doc, "value_change"); got != "lots" {
		t.Errorf("the value change input holds %q", got)
	}
	v.Set("value_change", "+150,000")
	if resp, doc := w.oc.Post(t, path, v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("variation: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	doc = ctPage(t, w.oc, "/contracts/"+w.contractID)
	if got := strings.TrimSpace(doc.Find("[data-current-value]").Text()); got != "£1,350,000" {
		t.Errorf("current value after the variation %q", got)
	}
	if row := doc.Find("[data-variation]"); row.Length() != 1 || !strings.Contains(row.Text(), "+£150,000") || !strings.Contains(row.Text(), w.officer.Name) {
		t.Errorf("variation row %q", cellText(row))
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'contract.variation.added' AND object_id = $1
		AND actor_id = $2 AND (summary->>'value_change_pence')::bigint = 15000000`, w.contractID, w.officer.ID); n != 1 {
		t.Errorf("%d audit events for the variation by the officer", n)
	}
}

func TestContractDocumentReachesTheProvider(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	path := "/contracts/" + w.contractID + "/documents"
	csrf := w.oc.CSRF(t, path+"/new")
	resp, doc := ctMultipart(t, w.oc, path, url.Values{"_csrf": {csrf}, "document_title": {"Signed contract"}, "document_type": {"contractSigned"}},
		"file", "signed.html", []byte("<html>"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#file"], "PDF, PNG or JPEG") {
		t.Fatalf("an HTML file: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got, _ := inputValue(doc, "document_title"); got != "Signed contract" {
		t.Errorf("the title was lost: %q", got)
	}
	resp, doc = ctMultipart(t, w.oc, path, url.Values{"_csrf": {csrf}, "document_title": {"Signed contract"}, "document_type": {"contractSigned"}},
		"file", "signed.pdf", ctPDF)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	doc = ctPage(t, w.acorn.Client, "/provider/contracts/"+w.contractID)
	link := doc.Find("[data-documents] a")
	if link.Length() != 1 {
		t.Fatal("the provider's contract page lists no document")
	}
	href, _ := link.Attr("href")
	resp2, err := w.acorn.Client.Client.Get(w.acorn.Client.Base + href)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusOK {
		t.Errorf("the provider downloading the contract document: %d", resp2.StatusCode)
	}
	resp3, err := w.birch.Client.Client.Get(w.birch.Client.Base + href)
	if err != nil {
		t.Fatal(err)
	}
	resp3.Body.Close()
	if resp3.StatusCode != http.StatusNotFound {
		t.Errorf("another provider downloading it: %d", resp3.StatusCode)
	}
}

func TestProviderSeesOnlyTheirOwnContracts(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	doc := ctPage(t, w.acorn.Client, "/provider/contracts")
	if doc.Find(`[data-contract-row="`+w.contractID+`"]`).Length() != 1 {
		t.Error("Acorn's list does not show its contract")
	}
	if doc.Find("[data-to-do] [data-return-row]").Length() < 2 {
		t.Error("Acorn's to-do list does not show the returns due")
	}
	if doc.Find(`form`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		a := s.AttrOr("action", "")
		return strings.HasPrefix(a, "/contracts") || strings.HasPrefix(a, "/kpis")
	}).Length() != 0 {
		t.Error("the provider's list offers officers' actions")
	}
	doc = ctPage(t, w.birch.Client, "/provider/contracts")
	if doc.Find("[data-contract-row]").Length() != 0 || doc.Find("[data-return-row]").Length() != 0 {
		t.Error("Birch sees Acorn's contract or returns")
	}
	before := count(t, w.s, `SELECT count(*) FROM monitoring_returns WHERE status <> 'due'`)
	for _, path := range []string{"/provider/contracts/" + w.contractID, "/provider/kpis/" + w.kpiID, "/provider/returns/" + w.firstReturnID,
		"/contracts/" + w.contractID, "/returns/" + w.firstReturnID} {
		resp, doc := w.birch.Client.Get(t, path)
		want := http.StatusNotFound
		if !strings.HasPrefix(path, "/provider") {
			want = http.StatusForbidden
		}
		if resp.StatusCode != want {
			t.Errorf("Birch GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if strings.Contains(doc.Text(), "Acorn") || strings.Contains(doc.Text(), "CYP-2025-001") {
			t.Errorf("Birch GET %s shows Acorn's contract", path)
		}
	}
	csrf := w.birch.Client.CSRF(t, "/provider/contracts")
	resp, _ := ctMultipart(t, w.birch.Client, "/provider/returns/"+w.firstReturnID, url.Values{"_csrf": {csrf}, "version": {"1"}, "value": {"99"},
		"commentary": {"Not ours"}}, "", "", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("Birch submitting Acorn's return: %d, want 404", resp.StatusCode)
	}
	resp, _ = w.birch.Client.Post(t, "/provider/returns/"+w.firstReturnID+"/answer", form(csrf, "version", "1", "answer", "Not ours"))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("Birch answering on Acorn's return: %d, want 404", resp.StatusCode)
	}
	resp, _ = ctMultipart(t, w.birch.Client, "/provider/returns/"+w.firstReturnID+"/correct", url.Values{"_csrf": {csrf}, "version": {"1"},
		"value": {"99"}, "commentary": {"Not ours"}}, "", "", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("Birch correcting Acorn's return: %d, want 404", resp.StatusCode)
	}
	if after := count(t, w.s, `SELECT count(*) FROM monitoring_returns WHERE status <> 'due'`); after != before {
		t.Errorf("returns made went from %d to %d", before, after)
	}
	// A draft is not shown to its own provider either.
	csrf = w.oc.CSRF(t, "/contracts/new")
	v := ctContractValues("CYP-DRAFT", w.acorn, w.officer.ID, ctMonthsAgo(-2))
	v.Set("_csrf", csrf)
	v.Set("status", "draft")
	resp, _ = w.oc.Post(t, "/contracts", v)
	draftID := strings.TrimPrefix(location(t, resp).Path, "/contracts/")
	if resp, _ := w.acorn.Client.Get(t, "/provider/contracts/"+draftID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Acorn opening its draft contract: %d, want 404", resp.StatusCode)
	}
	if ctPage(t, w.acorn.Client, "/provider/contracts").Find(`[data-contract-row="`+draftID+`"]`).Length() != 0 {
		t.Error("Acorn's list shows the draft")
	}
}

// ctSubmit makes a return as the provider through its page.
func ctSubmit(t *testing.T, c *webtest.Client, returnID string, values url.Values, fileName string, content []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	page := ctPage(t, c, "/provider/returns/"+returnID)
	values.Set("_csrf", page.Find(`input[name="_csrf"]`).First().AttrOr("value", ""))
	values.Set("version", ctVersion(page, "/provider/returns/"+returnID))
	return ctMultipart(t, c, "/provider/returns/"+returnID, values, "evidence", fileName, content)
}

func TestReturnLateFlagAndValidation(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	c := w.acorn.Client
	doc := ctPage(t, c, "/provider/returns/"+w.firstReturnID)
	if doc.Find("[data-overdue]").Length() != 1 || doc.Find(`[data-return-status="due"]`).Text() != "Overdue" {
		t.Errorf("the first return, months past its due date, is not flagged overdue: %q", doc.Find("[data-return-status]").Text())
	}
	if doc.Find(`form[action="/provider/returns/`+w.firstReturnID+`"][enctype="multipart/form-data"]`).Length() != 1 {
		t.Fatal("no return form")
	}
	resp, doc := ctSubmit(t, c, w.firstReturnID, url.Values{"value": {"84"}, "commentary": {""}}, "log.exe", []byte("MZ\x90\x00"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	links := summaryLinks(doc)
	if !strings.Contains(links["#commentary"], "Explain why the value is below the target of 95%") || !strings.Contains(links["#evidence"], "PDF, PNG or JPEG") {
		t.Errorf("summary %v", links)
	}
	if got, _ := inputValue(doc, "value"); got != "84" {
		t.Errorf("the value input holds %q, want 84", got)
	}
	resp, doc = ctSubmit(t, c, w.firstReturnID, url.Values{"value": {"eighty"}, "commentary": {"Two moves"}}, "", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#value"], "must be a number") {
		t.Errorf("a value in words: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got := doc.Find("#commentary").Text(); got != "Two moves" {
		t.Errorf("the commentary holds %q", got)
	}
	resp, doc = ctSubmit(t, c, w.firstReturnID, url.Values{"value": {"84"}, "commentary": {"Two placements moved in an emergency"}}, "log.pdf", ctPDF)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	doc = ctPage(t, c, "/provider/returns/"+w.firstReturnID)
	if doc.Find("[data-late]").Length() != 1 || doc.Find("[data-overdue]").Length() != 0 {
		t.Errorf("a return made after its due date: late %d, overdue %d", doc.Find("[data-late]").Length(), doc.Find("[data-overdue]").Length())
	}
	if doc.Find("[data-return-form]").Length() != 0 {
		t.Error("the form is still offered after the return was made")
	}
	// The current month's period has not ended: no form, and a crafted post is refused.
	var current string
	if err := w.s.DB.Get(&current, `SELECT id FROM monitoring_returns WHERE kpi_id = $1 AND period_end >= current_date ORDER BY period_start LIMIT 1`, w.kpiID); err != nil {
		t.Fatal(err)
	}
	doc = ctPage(t, c, "/provider/returns/"+current)
	if doc.Find("[data-not-open]").Length() != 1 {
		t.Error("the current period's return does not say when it can be made")
	}
	csrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	resp, _ = ctMultipart(t, c, "/provider/returns/"+current, url.Values{"_csrf": {csrf}, "version": {"1"}, "value": {"99"}}, "", "", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a return for a period not ended: %d, want 422", resp.StatusCode)
	}
}

func TestReturnQueryAnswerAcceptCycle(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	c := w.acorn.Client
	if resp, doc := ctSubmit(t, c, w.secondReturnID, url.Values{"value": {"96"}, "commentary": {"All placements stable"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	path := "/returns/" + w.secondReturnID
	doc := ctPage(t, w.oc, "/contracts/"+w.contractID)
	if doc.Find(`[data-waiting] [data-return-row="`+w.secondReturnID+`"]`).Length() != 1 {
		t.Error("the contract page does not list the return waiting for review")
	}
	doc = ctPage(t, w.oc, path)
	if got := doc.Find("[data-value] [data-rag]").AttrOr("data-rag", ""); got != "green" {
		t.Errorf("the return's RAG %q", got)
	}
	csrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	version := ctVersion(doc, path+"/query")
	resp, doc := w.oc.Post(t, path+"/query", form(csrf, "version", version, "question", "  "))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#question"] != "Enter your question" {
		t.Errorf("an empty question: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if resp, _ := w.oc.Post(t, path+"/query", form(csrf, "version", version, "question", "Which placements are counted?")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("query: %d", resp.StatusCode)
	}
	// A second click of the old form is refused, not applied twice.
	if resp, _ := w.oc.Post(t, path+"/query", form(csrf, "version", version, "question", "Again?")); resp.StatusCode != http.StatusConflict {
		t.Errorf("a replayed query: %d, want 409", resp.StatusCode)
	}
	if n := count(t, w.s, `SELECT count(*) FROM outbox WHERE to_address = $1 AND subject LIKE 'A question about your Placement stability return%'`,
		w.acorn.User.Email); n != 1 {
		t.Errorf("%d emails to the provider about the question", n)
	}
	doc = ctPage(t, c, "/provider/returns/"+w.secondReturnID)
	if !strings.Contains(doc.Find(`[data-note="query"]`).Text(), "Which placements are counted?") || doc.Find("[data-answer-form]").Length() != 1 {
		t.Fatal("the provider does not see the question and the answer form")
	}
	pcsrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	aversion := ctVersion(doc, "/provider/returns/"+w.secondReturnID+"/answer")
	resp, doc = c.Post(t, "/provider/returns/"+w.secondReturnID+"/answer", form(pcsrf, "version", aversion, "answer", ""))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#answer"] != "Enter your answer" {
		t.Errorf("an empty answer: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if resp, _ := c.Post(t, "/provider/returns/"+w.secondReturnID+"/answer", form(pcsrf, "version", aversion, "answer", "Every child placed with us.")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	doc = ctPage(t, w.oc, path)
	if !strings.Contains(doc.Find(`[data-note="answer"]`).Text(), "Every child placed with us.") || doc.Find("[data-accept]").Length() != 1 {
		t.Fatal("the officer does not see the answer and the accept button")
	}
	if resp, _ := w.oc.Post(t, path+"/accept", form(csrf, "version", ctVersion(doc, path+"/accept"))); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	doc = ctPage(t, w.oc, path)
	if got := doc.Find("[data-return-status]").AttrOr("data-return-status", ""); got != "accepted" || doc.Find("[data-accepted]").Length() != 1 {
		t.Errorf("after accepting: status %q", got)
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE object_id = $1 AND action LIKE 'contract.return.%'`, w.secondReturnID); n != 4 {
		t.Errorf("%d audit events for the return, want submitted, queried, answered, accepted", n)
	}
}

// A queried return is corrected through the provider's page: the correction starts from the
// figure sent, is checked like a return (a percentage over 100 is refused, the input kept),
// cannot be sent twice from one form, and leaves the first figure in the history that the
// provider and the officer both see.
func TestReturnCorrectionKeepsTheFirstRevision(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	c := w.acorn.Client
	if resp, doc := ctSubmit(t, c, w.secondReturnID, url.Values{"value": {"84"}, "commentary": {"Two emergency moves"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	path, ppath := "/returns/"+w.secondReturnID, "/provider/returns/"+w.secondReturnID
	doc := ctPage(t, w.oc, path)
	csrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	if resp, _ := w.oc.Post(t, path+"/query", form(csrf, "version", ctVersion(doc, path+"/query"), "question", "Is 84% right?")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("query: %d", resp.StatusCode)
	}
	if ctPage(t, w.oc, path).Find("[data-correct-form]").Length() != 0 {
		t.Error("the officer is offered the provider's correction form")
	}
	doc = ctPage(t, c, ppath)
	if doc.Find("[data-correct-form]").Length() != 1 || doc.Find("[data-answer-form]").Length() != 1 {
		t.Fatal("the provider is not offered both an answer and a correction")
	}
	if got, _ := inputValue(doc, "value"); got != "84" {
		t.Errorf("the correction starts from %q, want 84", got)
	}
	pcsrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
	version := ctVersion(doc, ppath+"/correct")
	correct := func(value string) (*http.Response, *goquery.Document) {
		return ctMultipart(t, c, ppath+"/correct", url.Values{"_csrf": {pcsrf}, "version": {version}, "value": {value},
			"commentary": {"One move was planned"}}, "", "", nil)
	}
	resp, doc := correct("101")
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#value"] != "The value must be a percentage from 0 to 100" {
		t.Errorf("a correction over 100%%: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got, _ := inputValue(doc, "value"); got != "101" {
		t.Errorf("the value input holds %q after the error", got)
	}
	if resp, doc := correct("91"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correct: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if resp, _ := correct("92"); resp.StatusCode != http.StatusConflict {
		t.Errorf("a replayed correction: %d, want 409", resp.StatusCode)
	}
	for _, page := range []struct {
		c    *webtest.Client
		path string
	}{{c, ppath}, {w.oc, path}} {
		doc := ctPage(t, page.c, page.path)
		rows := doc.Find("[data-revisions] tbody tr")
		if rows.Length() != 2 || !strings.HasPrefix(strings.TrimSpace(rows.Eq(0).Find("[data-revision-value]").Text()), "91%") ||
			!strings.HasPrefix(strings.TrimSpace(rows.Eq(1).Find("[data-revision-value]").Text()), "84%") ||
			!strings.HasPrefix(strings.TrimSpace(rows.Eq(1).Find("[data-revision-outcome]").Text()), "Replaced by a correction") {
			t.Errorf("%s: history %q", page.path, strings.Join(strings.Fields(rows.Text()), " "))
		}
		if got := doc.Find("[data-return-status]").AttrOr("data-return-status", ""); got != "submitted" {
			t.Errorf("%s: status %q after the correction", page.path, got)
		}
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE object_id = $1 AND action = 'contract.return.corrected'`, w.secondReturnID); n != 1 {
		t.Errorf("%d audit events for the correction", n)
	}
}

// An officer can query a return already accepted; while the provider's correction waits,
// the accepted figure is still the one on the return's page and in the KPI's table.
func TestOfficerQueriesAnAcceptedReturn(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	if resp, doc := ctSubmit(t, w.acorn.Client, w.firstReturnID, url.Values{"value": {"96"}, "commentary": {"As counted"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	path, ppath := "/returns/"+w.firstReturnID, "/provider/returns/"+w.firstReturnID
	// act posts the officer's form for target, with the version the return page shows.
	act := func(target string, values ...string) {
		t.Helper()
		doc := ctPage(t, w.oc, path)
		values = append(values, "version", ctVersion(doc, target))
		if resp, doc := w.oc.Post(t, target, form(doc.Find(`input[name="_csrf"]`).First().AttrOr("value", ""), values...)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s: %d %v", target, resp.StatusCode, summaryLinks(doc))
		}
	}
	act(path + "/accept")
	act(path+"/query", "question", "The audit found a move missing. Please correct the figure.")
	if got := ctPage(t, w.oc, path).Find("[data-return-status]").AttrOr("data-return-status", ""); got != "queried" {
		t.Fatalf("after querying the accepted return its status is %q", got)
	}
	if resp, doc := ctMultipart(t, w.acorn.Client, ppath+"/correct", url.Values{"_csrf": {w.acorn.Client.CSRF(t, ppath)},
		"version": {ctVersion(ctPage(t, w.acorn.Client, ppath), ppath+"/correct")}, "value": {"85"}, "commentary": {"A move was missed"}}, "", "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correct: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got := strings.TrimSpace(ctPage(t, w.oc, path).Find("[data-accepted-value]").Contents().First().Text()); got != "96%" {
		t.Errorf("the return page's accepted value reads %q while the correction waits", got)
	}
	kpiValue := func() string {
		return strings.TrimSpace(ctPage(t, w.oc, "/kpis/"+w.kpiID).Find(`[data-chart-table] tr[data-period="` + w.firstReturnID + `"] [data-value]`).Text())
	}
	if got := kpiValue(); got != "96%" {
		t.Errorf("the KPI table shows %q while the correction waits", got)
	}
	act(path + "/accept")
	if got := kpiValue(); got != "85%" {
		t.Errorf("the KPI table shows %q once the correction is accepted", got)
	}
}

func TestKPIPageDrawsTheTrend(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	for id, v := range map[string]string{w.firstReturnID: "85", w.secondReturnID: "97"} {
		if resp, doc := ctSubmit(t, w.acorn.Client, id, url.Values{"value": {v}, "commentary": {"As counted"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit %s: %d %v", v, resp.StatusCode, summaryLinks(doc))
		}
	}
	// Values not yet accepted are not drawn: the trend is of figures the council agreed.
	doc := ctPage(t, w.oc, "/kpis/"+w.kpiID)
	if n := doc.Find("figure[data-chart] [data-points] [data-rag]").Length(); n != 0 {
		t.Errorf("%d points drawn before any value was accepted", n)
	}
	if got := strings.TrimSpace(doc.Find("[data-chart-table] tbody tr [data-value]").First().Text()); got != "Not accepted yet" {
		t.Errorf("the table shows %q for a value under review", got)
	}
	for _, id := range []string{w.firstReturnID, w.secondReturnID} {
		path := "/returns/" + id
		doc := ctPage(t, w.oc, path)
		csrf := doc.Find(`input[name="_csrf"]`).First().AttrOr("value", "")
		if resp, _ := w.oc.Post(t, path+"/accept", form(csrf, "version", ctVersion(doc, path+"/accept"))); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", resp.StatusCode)
		}
	}
	for _, path := range []string{"/kpis/" + w.kpiID, "/provider/kpis/" + w.kpiID} {
		c := w.oc
		if strings.HasPrefix(path, "/provider") {
			c = w.acorn.Client
		}
		doc := ctPage(t, c, path)
		svg := doc.Find("figure[data-chart] svg")
		if svg.Length() != 1 || svg.AttrOr("role", "") != "img" {
			t.Fatalf("%s: no SVG chart with role img", path)
		}
		titleID := svg.Find("title").AttrOr("id", "")
		if titleID == "" || !strings.Contains(svg.AttrOr("aria-labelledby", ""), titleID) || svg.Find("title").Text() != "Placement stability by month" {
			t.Errorf("%s: the chart is not labelled by its title", path)
		}
		if svg.Find("[style]").Length() != 0 || svg.Is("[style]") || doc.Find("[style]").Length() != 0 {
			t.Errorf("%s: style attributes, which the CSP blocks", path)
		}
		var rags []string
		svg.Find("[data-points] [data-rag]").Each(func(_ int, s *goquery.Selection) { rags = append(rags, s.AttrOr("data-rag", "")) })
		if strings.Join(rags, ",") != "amber,green" {
			t.Errorf("%s: points %v, want amber then green", path, rags)
		}
		if svg.Find("[data-target] line").Length() != 1 {
			t.Errorf("%s: no target line", path)
		}
		var ratings []string
		doc.Find("[data-chart-table] tbody tr").Each(func(_ int, r *goquery.Selection) {
			ratings = append(ratings, strings.TrimSpace(r.Find("[data-rating]").Text()))
		})
		if len(ratings) < 4 || ratings[0] != "Amber" || ratings[1] != "Green" || ratings[2] != "No value" {
			t.Errorf("%s: the table's ratings %v", path, ratings)
		}
		if th := doc.Find("[data-chart-table] thead th"); th.Length() != 5 {
			t.Errorf("%s: table headings %q", path, th.Text())
		}
	}
}

func TestContractSettingsPage(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	csrf := w.oc.CSRF(t, "/contract-settings")
	resp, doc := w.oc.Post(t, "/contract-settings", form(csrf, "expiring_within_days", "0", "return_due_days", "15", "ocid_prefix", "ocds-abc", "buyer_identifier", ""))
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#expiring_within_days"] == "" || summaryLinks(doc)["#ocid_prefix"] == "" {
		t.Fatalf("bad settings: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got, _ := inputValue(doc, "ocid_prefix"); got != "ocds-abc" {
		t.Errorf("the prefix input holds %q", got)
	}
	resp, _ = w.oc.Post(t, "/contract-settings", form(csrf, "expiring_within_days", "1000", "return_due_days", "15", "ocid_prefix", "ocds-b5fd17",
		"buyer_identifier", "GB-LAE-EXA"))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("1000 days: %d", resp.StatusCode)
	}
	// Every contract ends within 800 days: with that setting the contract is expiring.
	resp, _ = w.oc.Post(t, "/contract-settings", form(csrf, "expiring_within_days", "730", "return_due_days", "15", "ocid_prefix", "ocds-b5fd17",
		"buyer_identifier", "GB-LAE-EXA"))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good settings: %d", resp.StatusCode)
	}
	doc = ctPage(t, w.oc, "/contracts/"+w.contractID)
	if got := doc.Find("[data-contract-status]").First().AttrOr("data-contract-status", ""); got != string(contract.StatusExpiring) {
		t.Errorf("with 730 days the contract is %q, want expiring", got)
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'contract.settings.saved'`); n != 1 {
		t.Errorf("%d settings audit events", n)
	}
}
