package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/finance"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/xuri/excelize/v2"
)

// finPDF is the smallest file the document store takes for a PDF.
var finPDF = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// finWorld is a portal with an approved provider whose bank details are in force, and two
// finance officers.
type finWorld struct {
	s          *webtest.Server
	org        string
	pat        *webtest.TestUser
	fay, finn  *webtest.TestUser
	initialID  string
	legalName  string
	sortCode   string
	account    string
	keyContact string
}

func finActor(u *webtest.TestUser) context.Context {
	return audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Email: u.Email, Roles: u.RoleNames})
}

// finSetUp registers a provider through the record's service, approves it, and takes its
// registration bank details through verification and approval by two finance officers.
func finSetUp(t *testing.T, legalName string) *finWorld {
	t.Helper()
	return finSetUpWith(t, legalName, "089999", "66374958")
}

// finSetUpWith is finSetUp with the provider's own sort code and account number.
func finSetUpWith(t *testing.T, legalName, sortCode, account string) *finWorld {
	t.Helper()
	s := webtest.Start(t)
	w := &finWorld{s: s, legalName: legalName, sortCode: sortCode, account: account, keyContact: "kim@acorn.example"}
	w.org = s.NewOrganisation(t, legalName)
	w.pat = s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, w.org)
	w.fay = s.CreateUser(t, "fay@council.example", []auth.Role{auth.RoleFinance}, "")
	w.finn = s.CreateUser(t, "finn@council.example", []auth.Role{auth.RoleFinance}, "")
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: legalName, LegalForm: "company", CompaniesHouseNumber: "01234567",
			StartDate: formpkg.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme", ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director", KeyContactEmail: w.keyContact,
			KeyContactPhone: "07700 900982"},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "1 Oak Lane", RegTown: "Exampleton", RegPostcode: "EX1 1AA", CorrespondenceSame: "yes"},
		provider.SectionBank:      &provider.BankAnswers{AccountName: "Acorn Fostering Ltd", SortCode: w.sortCode, AccountNumber: w.account},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := s.Providers.SaveSection(finActor(w.pat), w.org, def, a, 0); err != nil {
			t.Fatalf("save %s: %v", key, err)
		}
	}
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, w.org); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, w.org); err != nil {
		t.Fatal(err)
	}
	ch, err := s.Finance.OpenInitialRequest(finActor(w.fay), w.org)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finance.RecordCall(finActor(w.fay), ch.ID, ch.Version, finance.CallInput{NumberUsed: "07700900982", Outcome: finance.OutcomeConfirmed}); err != nil {
		t.Fatal(err)
	}
	if err := s.Finance.Approve(finActor(w.finn), ch.ID, ch.Version+1, s.Finance.Today()); err != nil {
		t.Fatal(err)
	}
	w.initialID = ch.ID
	return w
}

// finMultipart posts a multipart form, with a file when name is given.
func finMultipart(t *testing.T, c *webtest.Client, path string, fields url.Values, fileField, fileName string, content []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = mw.Close()
	resp, err := c.Client.Post(c.Base+path, mw.FormDataContentType(), &body)
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

// finSummary lists the error summary's links: "#field: message".
func finSummary(doc *goquery.Document) []string {
	var out []string
	doc.Find(".govuk-error-summary a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		out = append(out, href+": "+strings.TrimSpace(a.Text()))
	})
	return out
}

func finCount(t *testing.T, s *webtest.Server, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFinanceProviderRequestsChange(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	c := w.s.SignIn(t, w.pat, 0)

	resp, doc := c.Get(t, "/provider/bank-details")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bank details page: %d", resp.StatusCode)
	}
	if got := strings.TrimSpace(doc.Find("[data-active] [data-account]").Text()); got != "••••4958" {
		t.Errorf("account shown as %q, want it masked", got)
	}
	valid := url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"10-79-99"}, "account_number": {"88837491"},
		"remittance_email": {"payments@elsewhere.example"}, "reason": {"We changed bank"}}
	tests := []struct {
		name    string
		change  func(v url.Values)
		file    []byte
		summary []string
	}{
		{"modulus fails", func(v url.Values) { v.Set("account_number", "88837493") }, finPDF,
			[]string{"#account_number: Enter a sort code and account number that match – check them against a bank statement"}},
		{"no evidence", func(url.Values) {}, nil,
			[]string{"#evidence: Upload a letter on your headed paper or a bank statement showing the new account"}},
		{"evidence not a document", func(url.Values) {}, []byte("MZ\x90\x00 an executable"),
			[]string{"#evidence: The selected file must be a PDF, PNG or JPEG"}},
		{"several at once, in form order", func(v url.Values) { v.Del("account_name"); v.Set("sort_code", "1") }, nil, []string{
			"#account_name: Enter the name on the account", "#sort_code: Enter a valid sort code, like 309430",
			"#evidence: Upload a letter on your headed paper or a bank statement showing the new account"}},
	}
	for _, tt := range tests {
		fields := url.Values{}
		for k, v := range valid {
			fields[k] = slices.Clone(v)
		}
		tt.change(fields)
		fields.Set("_csrf", c.CSRF(t, "/provider/bank-details/change"))
		name := ""
		if tt.file != nil {
			name = "letter.pdf"
		}
		resp, doc := finMultipart(t, c, "/provider/bank-details/change", fields, "evidence", name, tt.file)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, resp.StatusCode)
		}
		if got := finSummary(doc); !slices.Equal(got, tt.summary) {
			t.Errorf("%s: summary %q, want %q", tt.name, got, tt.summary)
		}
		if v, _ := doc.Find("#sort_code").Attr("value"); v != fields.Get("sort_code") {
			t.Errorf("%s: the form lost the sort code typed: %q", tt.name, v)
		}
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM bank_detail_changes WHERE kind = 'change'`); n != 0 {
		t.Fatalf("%d requests stored by refused forms", n)
	}

	if _, err := w.s.DB.Exec(`DELETE FROM outbox`); err != nil {
		t.Fatal(err)
	}
	fields := valid
	fields.Set("_csrf", c.CSRF(t, "/provider/bank-details/change"))
	resp, _ = finMultipart(t, c, "/provider/bank-details/change", fields, "evidence", "letter.pdf", finPDF)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/provider/bank-details" {
		t.Fatalf("valid request: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var to []string
	if err := w.s.DB.Select(&to, `SELECT to_address::text FROM outbox WHERE kind = 'bank_details_change' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if want := []string{w.keyContact, w.pat.Email}; !slices.Equal(to, want) {
		t.Errorf("emailed %v, want %v (the addresses on file, not the remittance address in the request)", to, want)
	}
	_, doc = c.Get(t, "/provider/bank-details")
	if got := strings.TrimSpace(doc.Find("[data-active] [data-account]").Text()); got != "••••4958" {
		t.Errorf("the request changed the account in use: %q", got)
	}
	if doc.Find(`[data-open] form[action$="/withdraw"]`).Length() != 1 {
		t.Error("no way to withdraw the waiting request")
	}
}

// finChange makes a request to change the provider's account, as the provider.
func finChange(t *testing.T, w *finWorld) *finance.Change {
	t.Helper()
	ch, err := w.s.Finance.RequestChange(finActor(w.pat), w.org, finance.ChangeRequest{AccountName: "Acorn Fostering Ltd",
		SortCode: "107999", AccountNumber: "88837491", RemittanceEmail: "payments@acorn.example", Reason: "New bank",
		Evidence: &finance.Evidence{Filename: "statement.pdf", Content: finPDF}})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestFinanceSegregationOverHTTP(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	ch := finChange(t, w)
	fay := w.s.SignIn(t, w.fay, 0)
	finn := w.s.SignIn(t, w.finn, 0)
	page := "/finance/changes/" + ch.ID

	resp, doc := fay.Get(t, page)
	if resp.StatusCode != http.StatusOK || doc.Find("[data-call-form]").Length() != 1 {
		t.Fatalf("change page: %d, call form %d", resp.StatusCode, doc.Find("[data-call-form]").Length())
	}
	var numbers []string
	doc.Find(`input[name="number_used"]`).Each(func(_ int, s *goquery.Selection) { numbers = append(numbers, s.AttrOr("value", "")) })
	if !slices.Equal(numbers, []string{"07700900982"}) {
		t.Errorf("numbers offered %v, want only the key contact's on file", numbers)
	}
	resp, doc = fay.Submit(t, page, page+"/calls", url.Values{"version": {"1"}, "number_used": {"07700 900123"}, "outcome": {"confirmed"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(finSummary(doc), "#number_used: Call a number already on the supplier record, never one given with the request") {
		t.Errorf("a number not on file: %d %v", resp.StatusCode, finSummary(doc))
	}
	resp, _ = fay.Submit(t, page, page+"/calls", url.Values{"version": {"1"}, "number_used": {"07700900982"}, "outcome": {"confirmed"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record call: %d", resp.StatusCode)
	}

	// The verifier cannot approve: the page says so and a forged form is refused.
	_, doc = fay.Get(t, page)
	if doc.Find("[data-approve-form]").Length() != 0 || doc.Find("[data-cannot-approve]").Length() != 1 {
		t.Error("the verifier is offered the approval form")
	}
	today := w.s.Finance.Today()
	approve := url.Values{"version": {"2"}, "effective_from-day": {strconv.Itoa(today.Day())},
		"effective_from-month": {strconv.Itoa(int(today.Month()))}, "effective_from-year": {strconv.Itoa(today.Year())}}
	resp, doc = fay.Submit(t, page, page+"/approve", approve)
	if resp.StatusCode != http.StatusForbidden || !slices.Contains(finSummary(doc), "#approve: You verified this change, so a second finance officer must approve it") {
		t.Errorf("approval by the verifier: %d %v", resp.StatusCode, finSummary(doc))
	}

	// A forged approval (wrong CSRF token) and a stale one change nothing.
	forged := url.Values{"_csrf": {"not-the-token"}}
	for k, v := range approve {
		forged[k] = v
	}
	resp, _ = finn.Post(t, page+"/approve", forged)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong CSRF token: %d, want 403", resp.StatusCode)
	}
	stale := url.Values{}
	for k, v := range approve {
		stale[k] = v
	}
	stale.Set("version", "1")
	resp, _ = finn.Submit(t, page, page+"/approve", stale)
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale version: %d, want 409", resp.StatusCode)
	}
	if got, _ := finance.ChangeByID(context.Background(), w.s.DB, ch.ID); got.Status != finance.StatusVerified || got.Version != 2 {
		t.Fatalf("refused approvals changed the request: %s v%d", got.Status, got.Version)
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM payment_details`); n != 1 {
		t.Fatalf("%d payment details", n)
	}

	resp, _ = finn.Submit(t, page, page+"/approve", approve)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approval by a second officer: %d", resp.StatusCode)
	}
	_, doc = finn.Get(t, page)
	if got := doc.Find("[data-status]").AttrOr("data-status", ""); got != "approved" {
		t.Errorf("status after approval: %s", got)
	}
	if !strings.Contains(doc.Find("[data-approved-by]").Text(), w.finn.Name) || !strings.Contains(doc.Find("[data-verified-by]").Text(), w.fay.Name) {
		t.Errorf("approved by %q, verified by %q", doc.Find("[data-approved-by]").Text(), doc.Find("[data-verified-by]").Text())
	}
}

// finStepUp enters a fresh code on the step-up page; step must be later than the code used
// to sign in.
func finStepUp(t *testing.T, c *webtest.Client, u *webtest.TestUser, step int, next string) *http.Response {
	t.Helper()
	resp, _ := c.Submit(t, "/finance/step-up?next="+url.QueryEscape(next), "/finance/step-up", url.Values{"code": {u.Code(t, step)}, "next": {next}})
	return resp
}

func TestFinanceExportNeedsStepUpAndIsAudited(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, `=HYPERLINK("http://evil.example","Click")`)
	c := w.s.SignIn(t, w.fay, 0)

	resp, _ := c.Submit(t, "/finance/exports", "/finance/exports/payments", url.Values{"format": {"csv"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/finance/step-up?next=%2Ffinance%2Fexports" {
		t.Fatalf("export without step-up: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM audit_events WHERE action LIKE 'finance.export.%'`); n != 0 {
		t.Errorf("%d export events without a step-up", n)
	}
	resp, doc := c.Submit(t, "/finance/step-up", "/finance/step-up", url.Values{"code": {"000000"}, "next": {"/finance/exports"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || len(finSummary(doc)) != 1 {
		t.Errorf("a wrong code: %d %v", resp.StatusCode, finSummary(doc))
	}
	if resp := finStepUp(t, c, w.fay, 1, "/finance/exports"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/finance/exports" {
		t.Fatalf("step-up: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	download := func(format string) ([]byte, *http.Response) {
		t.Helper()
		fields := url.Values{"format": {format}, "_csrf": {c.CSRF(t, "/finance/exports")}}
		resp, err := c.Client.PostForm(c.Base+"/finance/exports/payments", fields)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s export: status %d\n%s", format, resp.StatusCode, body)
		}
		return body, resp
	}
	checkAudit := func(body []byte) {
		t.Helper()
		sum := sha256.Sum256(body)
		var row struct {
			SHA  string `db:"sha"`
			Rows int    `db:"rows"`
		}
		if err := w.s.DB.Get(&row, `SELECT summary->>'sha256' AS sha, (summary->>'rows')::int AS rows FROM audit_events
			WHERE action = 'finance.export.completed' AND actor_id = $1 ORDER BY id DESC LIMIT 1`, w.fay.ID); err != nil {
			t.Fatal(err)
		}
		if row.SHA != hex.EncodeToString(sum[:]) || row.Rows != 1 {
			t.Errorf("audited sha %s rows %d, want %x and 1", row.SHA, row.Rows, sum)
		}
	}

	body, resp := download("csv")
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="supplier-payments-`) {
		t.Errorf("headers: %s; %s", ct, resp.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(records) != 2 {
		t.Fatalf("CSV: %v, %d records", err, len(records))
	}
	if records[1][1] != `'=HYPERLINK("http://evil.example","Click")` || records[1][13] != w.sortCode || records[1][14] != w.account {
		t.Errorf("CSV row = %q", records[1])
	}
	checkAudit(body)

	body, _ = download("xlsx")
	checkAudit(body)
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for cell, want := range map[string]string{"B2": `'=HYPERLINK("http://evil.example","Click")`, "N2": w.sortCode, "O2": w.account} {
		got, _ := x.GetCellValue("Suppliers", cell)
		typ, _ := x.GetCellType("Suppliers", cell)
		if got != want || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Errorf("%s = %q (%v), want the text %q", cell, got, typ, want)
		}
	}
}

func TestFinanceRevealNeedsStepUpAndReason(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	c := w.s.SignIn(t, w.fay, 0)
	var detailsID string
	if err := w.s.DB.Get(&detailsID, `SELECT id FROM payment_details WHERE organisation_id = $1`, w.org); err != nil {
		t.Fatal(err)
	}
	page := "/finance/providers/" + w.org
	_, doc := c.Get(t, page)
	if got := strings.TrimSpace(doc.Find("[data-active] [data-account]").Text()); got != "••••4958" {
		t.Errorf("finance sees %q, want it masked", got)
	}
	if strings.Contains(doc.Text(), w.account) {
		t.Error("the provider page shows the account number in full")
	}
	action := "/finance/payment-details/" + detailsID + "/reveal"
	resp, _ := c.Submit(t, page, action, url.Values{"reason": {"Returned payment"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/finance/step-up?next="+url.QueryEscape(page+"?reason=Returned+payment#reveal") {
		t.Fatalf("reveal without step-up: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	finStepUp(t, c, w.fay, 1, page)
	resp, doc = c.Submit(t, page, action, url.Values{"reason": {" "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(finSummary(doc), "#reason: Enter why you need to see the bank details in full") {
		t.Errorf("reveal without a reason: %d %v", resp.StatusCode, finSummary(doc))
	}
	resp, doc = c.Submit(t, page, action, url.Values{"reason": {"Returned payment"}})
	if resp.StatusCode != http.StatusOK || doc.Find("[data-revealed] [data-account]").Text() != w.account ||
		doc.Find("[data-revealed] [data-sort-code]").Text() != "08-99-99" {
		t.Errorf("reveal: %d %q", resp.StatusCode, doc.Find("[data-revealed]").Text())
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'finance.bank_details.revealed' AND actor_id = $1
		AND summary->>'reason' = 'Returned payment'`, w.fay.ID); n != 1 {
		t.Errorf("%d reveal events", n)
	}
}

func TestFinanceHomeAndWithdrawal(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	ch := finChange(t, w)
	other := w.s.NewOrganisation(t, "Birch Care Ltd")
	if _, err := w.s.DB.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, other); err != nil {
		t.Fatal(err)
	}
	c := w.s.SignIn(t, w.fay, 0)
	resp, doc := c.Get(t, "/finance")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("finance home: %d", resp.StatusCode)
	}
	row := doc.Find(`[data-pending] [data-change="` + ch.ID + `"]`)
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-age]").Text()) != "Under a day" {
		t.Errorf("pending row: %q", row.Text())
	}
	if doc.Find(`[data-without] [data-provider="`+other+`"]`).Length() != 1 || doc.Find(`[data-without] [data-provider="`+w.org+`"]`).Length() != 0 {
		t.Errorf("providers without details: %q", doc.Find("[data-without]").Text())
	}
	if doc.Find(`[data-recent]`).Length() != 1 {
		t.Error("no recent decisions listed")
	}

	p := w.s.SignIn(t, w.pat, 0)
	resp, _ = p.Submit(t, "/provider/bank-details", "/provider/bank-details/changes/"+ch.ID+"/withdraw", url.Values{"version": {strconv.Itoa(ch.Version)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if got, _ := finance.ChangeByID(context.Background(), w.s.DB, ch.ID); got.Status != finance.StatusWithdrawn {
		t.Errorf("after withdrawal: %s", got.Status)
	}
	// Another organisation's provider cannot withdraw it, whatever id it sends.
	ch2 := finChange(t, w)
	stranger := w.s.CreateUser(t, "sid@birch.example", []auth.Role{auth.RoleProvider}, other)
	sc := w.s.SignIn(t, stranger, 0)
	resp, _ = sc.Submit(t, "/provider/bank-details", "/provider/bank-details/changes/"+ch2.ID+"/withdraw", url.Values{"version": {strconv.Itoa(ch2.Version)}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("a stranger withdrawing: %d, want 404", resp.StatusCode)
	}
}

// TestDocumentsOnlyToTheirKindsReaders: bank-change evidence (a bank letter or statement)
// goes to finance alone, on every route that serves documents; an officer, or the
// provider's own users, asking for it by id find nothing, while the documents their roles
// do read still download.
func TestDocumentsOnlyToTheirKindsReaders(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	ch := finChange(t, w)
	if ch.EvidenceDocumentID == nil {
		t.Fatal("the change has no evidence")
	}
	evidence := "/documents/" + *ch.EvidenceDocumentID
	olive := w.s.SignIn(t, w.s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, ""), 0)
	pat := w.s.SignIn(t, w.pat, 0)
	for who, c := range map[string]*webtest.Client{"officer": olive, "the provider's own user": pat} {
		if resp, _ := c.Get(t, evidence); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s reads bank-change evidence: status %d, want 404", who, resp.StatusCode)
		}
	}
	if n := count(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'document.download'`); n != 0 {
		t.Errorf("%d downloads recorded for refused requests", n)
	}
	fay := w.s.SignIn(t, w.fay, 0)
	if resp, _ := fay.Get(t, "/finance/changes/"+ch.ID+"/evidence"); resp.StatusCode != http.StatusOK {
		t.Errorf("finance reads the evidence: status %d", resp.StatusCode)
	}

	// An insurance certificate is read by the provider's users and officers.
	doc, err := w.s.Services.Documents.Put(finActor(w.pat), w.s.DB, w.org, document.KindInsuranceCertificate+":employers_liability", "el.pdf", finPDF)
	if err != nil {
		t.Fatal(err)
	}
	for who, c := range map[string]*webtest.Client{"officer": olive, "the provider's own user": pat} {
		if resp, _ := c.Get(t, "/documents/"+doc.ID); resp.StatusCode != http.StatusOK {
			t.Errorf("%s reads an insurance certificate: status %d, want 200", who, resp.StatusCode)
		}
	}
}

// TestStepUpKeepsTheReasonTyped: asking to see bank details before the step-up carries the
// reason typed through the code page and back, so the officer does not type it again.
func TestStepUpKeepsTheReasonTyped(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	c := w.s.SignIn(t, w.fay, 0)
	active, err := finance.ActiveDetails(t.Context(), w.s.DB, w.org)
	if err != nil {
		t.Fatal(err)
	}
	page := "/finance/providers/" + w.org
	reason := "Checking the account before the March payment run"
	resp, _ := c.Submit(t, page, "/finance/payment-details/"+active.ID+"/reveal", url.Values{"reason": {reason}})
	loc := location(t, resp)
	if loc.Path != "/finance/step-up" {
		t.Fatalf("reveal without a step-up: sent to %s", loc)
	}
	next := loc.Query().Get("next")
	resp = finStepUp(t, c, w.fay, 1, next)
	back := location(t, resp)
	_, doc := c.Get(t, back.RequestURI())
	if got, _ := inputValue(doc, "reason"); got != reason {
		t.Errorf("after the step-up the reason field holds %q, want %q", got, reason)
	}
}

// TestBankDetailsInUseAreTodays: details approved to take effect next month are shown as
// upcoming; the details in use (and those the API gives) stay the ones paid today.
func TestBankDetailsInUseAreTodays(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	ch := finChange(t, w) // to account 88837491
	if err := w.s.Finance.RecordCall(finActor(w.fay), ch.ID, ch.Version, finance.CallInput{NumberUsed: "07700900982", Outcome: finance.OutcomeConfirmed}); err != nil {
		t.Fatal(err)
	}
	next := w.s.Finance.Today().AddDate(0, 1, 0)
	if err := w.s.Finance.Approve(finActor(w.finn), ch.ID, ch.Version+1, next); err != nil {
		t.Fatal(err)
	}
	for _, view := range []struct {
		who  *webtest.TestUser
		page string
	}{{w.fay, "/finance/providers/" + w.org}, {w.pat, "/provider/bank-details"}} {
		c := w.s.SignIn(t, view.who, 0)
		_, doc := c.Get(t, view.page)
		if got := strings.TrimSpace(doc.Find("[data-active] [data-account]").Text()); got != "••••4958" {
			t.Errorf("%s: in use %q, want today's account ••••4958", view.page, got)
		}
		if up := doc.Find("[data-upcoming]").Text(); !strings.Contains(up, "7491") {
			t.Errorf("%s: upcoming %q, want the account ending 7491", view.page, strings.TrimSpace(up))
		}
	}
	current, err := finance.DetailsInForce(t.Context(), w.s.DB, w.org, w.s.Finance.Today())
	if err != nil || current.AccountLast4 != "4958" {
		t.Errorf("in force today: %+v, %v", current, err)
	}
	if later, err := finance.DetailsInForce(t.Context(), w.s.DB, w.org, next); err != nil || later.AccountLast4 != "7491" {
		t.Errorf("in force next month: %+v, %v", later, err)
	}
}

// TestFraudFlagsShowWhereFinanceLooks: a phone number on file shared with another supplier
// is flagged on the change page, the finance home and the monthly change report.
func TestFraudFlagsShowWhereFinanceLooks(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	birch := w.s.NewOrganisation(t, "Birch Care Ltd")
	w.s.DB.MustExec(`UPDATE organisations SET legal_name = 'Birch Care Ltd' WHERE id = $1`, birch)
	w.s.DB.MustExec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed)
		VALUES ($1, 'contacts', '{"key_contact_name":"Bo","key_contact_phone":"+44 7700 900982"}', '{"key_contact_name":"Bo","key_contact_phone":"+44 7700 900982"}', true)`, birch)
	ch := finChange(t, w)
	c := w.s.SignIn(t, w.fay, 0)
	_, doc := c.Get(t, "/finance/changes/"+ch.ID)
	if flag := doc.Find(`[data-fraud-flags] [data-flag="phone"]`).Text(); !strings.Contains(flag, "Birch Care Ltd") {
		t.Errorf("change page flags %q", flag)
	}
	_, doc = c.Get(t, "/finance")
	if doc.Find(`[data-change="`+ch.ID+`"] [data-fraud-flag]`).Length() != 1 {
		t.Error("the finance home does not flag the waiting request")
	}
	_, doc = c.Get(t, "/finance/reports/changes")
	if !strings.Contains(doc.Find("[data-warning]").Text(), "Birch Care Ltd") {
		t.Error("the change report does not carry the warning")
	}
}
