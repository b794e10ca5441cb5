package browsertest_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/finance"
	formpkg "github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/pquerna/otp/totp"
)

// TestFinanceJourney takes a change of bank details from the provider's request, with its
// evidence, through a verification call recorded by one finance officer and approval by
// another, to the supplier payment file a finance officer downloads after entering a fresh
// authenticator code: the new account is masked on every page and in full in the file.
// Each page is scanned with axe on the way.
func TestFinanceJourney(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	const (
		newSortCode = "107999"
		newAccount  = "88837491"
	)
	org, pat := finJourneyProvider(t, s)
	fay := s.CreateUser(t, "fay@council.example", []auth.Role{auth.RoleFinance}, "")
	finn := s.CreateUser(t, "finn@council.example", []auth.Role{auth.RoleFinance}, "")
	providerTab := browsertest.NewTab(t, b)
	fayTab := browsertest.NewTab(t, b)
	finnTab := browsertest.NewTab(t, b)

	halted := false
	step := func(name string, fn func(t *testing.T)) {
		t.Helper()
		if halted {
			return
		}
		finished := false
		t.Run(name, func(t *testing.T) {
			fn(t)
			finished = true
		})
		halted = !finished
	}
	open := func(t *testing.T, tab context.Context, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, got)
		}
	}
	press := func(t *testing.T, tab context.Context, css string, wantStatus int, wantPath string) {
		t.Helper()
		if got := browsertest.Click(t, tab, css); got != wantStatus {
			t.Fatalf("pressing %s: status %d, want %d%s", css, got, wantStatus, finJourneyErrors(t, tab))
		}
		if p := browsertest.Location(t, tab).Path; p != wantPath {
			t.Fatalf("pressing %s led to %s, want %s", css, p, wantPath)
		}
	}

	var changeID string
	step("the provider asks for a change with evidence", func(t *testing.T) {
		browsertest.SignIn(t, providerTab, s.URL, pat)
		open(t, providerTab, "/provider/bank-details")
		if got := browsertest.Text(t, providerTab, "[data-active] [data-account]"); got != "••••4958" {
			t.Errorf("account in use shown as %q, want it masked", got)
		}
		browsertest.AssertAccessible(t, providerTab)
		press(t, providerTab, `a[href="/provider/bank-details/change"]`, http.StatusOK, "/provider/bank-details/change")
		browsertest.AssertAccessible(t, providerTab)

		browsertest.Fill(t, providerTab, map[string]string{"account_name": "Acorn Fostering Ltd", "sort_code": "10-79-99",
			"account_number": newAccount, "remittance_email": "payments@acorn.example"})
		// Fill clears a field first, which an empty textarea refuses: type into it instead.
		browsertest.Do(t, providerTab, chromedp.SendKeys(chromedp.ID("reason"), "We moved to a new bank"))
		press(t, providerTab, `form[action="/provider/bank-details/change"] button[type="submit"]`, http.StatusUnprocessableEntity, "/provider/bank-details/change")
		if got := browsertest.Text(t, providerTab, ".govuk-error-summary a"); !strings.Contains(got, "headed paper or a bank statement") {
			t.Errorf("without evidence the summary says %q", got)
		}
		browsertest.AssertAccessible(t, providerTab)

		letter := filepath.Join(t.TempDir(), "bank-letter.pdf")
		if err := os.WriteFile(letter, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		browsertest.Do(t, providerTab, chromedp.SetUploadFiles(chromedp.ID("evidence"), []string{letter}))
		press(t, providerTab, `form[action="/provider/bank-details/change"] button[type="submit"]`, http.StatusOK, "/provider/bank-details")
		if got := browsertest.Text(t, providerTab, "[data-open]"); !strings.Contains(got, "ending 7491") || !strings.Contains(got, "Waiting for verification") {
			t.Errorf("the waiting request reads %q", got)
		}
		if got := browsertest.Text(t, providerTab, "[data-active] [data-account]"); got != "••••4958" {
			t.Errorf("the request changed the account in use: %q", got)
		}
		open, err := finance.Changes(context.Background(), s.DB, finance.ChangeFilter{OrganisationID: org, Open: true})
		if err != nil || len(open) != 1 {
			t.Fatalf("open requests: %d %v", len(open), err)
		}
		changeID = open[0].ID
	})

	step("a finance officer records the verification call", func(t *testing.T) {
		browsertest.SignIn(t, fayTab, s.URL, fay)
		open(t, fayTab, "/finance")
		browsertest.AssertAccessible(t, fayTab)
		press(t, fayTab, `[data-pending] a[href="/finance/changes/`+changeID+`"]`, http.StatusOK, "/finance/changes/"+changeID)
		if got := browsertest.Text(t, fayTab, "[data-change] [data-account]"); got != "••••7491" {
			t.Errorf("the requested account shown as %q, want it masked", got)
		}
		browsertest.AssertAccessible(t, fayTab)
		browsertest.Do(t, fayTab, chromedp.Click(chromedp.ID("number_used")), chromedp.Click(chromedp.ID("outcome")))
		browsertest.Do(t, fayTab, chromedp.SendKeys(chromedp.ID("notes"), "Kim Key confirmed the new account"))
		press(t, fayTab, `[data-call-form] button[type="submit"]`, http.StatusOK, "/finance/changes/"+changeID)
		if got := browsertest.Text(t, fayTab, "[data-status]"); got != "Verified, waiting for approval" {
			t.Errorf("status after the call: %q", got)
		}
		if browsertest.Count(t, fayTab, "[data-approve-form]") != 0 {
			t.Error("the verifier is offered the approval form")
		}
		browsertest.AssertAccessible(t, fayTab)
	})

	step("a second finance officer approves it", func(t *testing.T) {
		browsertest.SignIn(t, finnTab, s.URL, finn)
		open(t, finnTab, "/finance/changes/"+changeID)
		browsertest.AssertAccessible(t, finnTab)
		press(t, finnTab, `[data-approve-form] button[type="submit"]`, http.StatusOK, "/finance/changes/"+changeID)
		if got := browsertest.Text(t, finnTab, "[data-status]"); got != "Approved" {
			t.Errorf("status after approval: %q", got)
		}
		open(t, finnTab, "/finance/providers/"+org)
		if got := browsertest.Text(t, finnTab, "[data-active] [data-account]"); got != "••••7491" {
			t.Errorf("the account in use shown as %q, want the new one masked", got)
		}
		if body := browsertest.Text(t, finnTab, "main"); strings.Contains(body, newAccount) {
			t.Error("the provider's page shows the account number in full")
		}
		browsertest.AssertAccessible(t, finnTab)
	})

	step("finance exports the payment file after a step-up", func(t *testing.T) {
		open(t, finnTab, "/finance/exports")
		browsertest.AssertAccessible(t, finnTab)
		press(t, finnTab, `[data-payments-form] button[type="submit"]`, http.StatusOK, "/finance/step-up")
		browsertest.AssertAccessible(t, finnTab)
		browsertest.Fill(t, finnTab, map[string]string{"code": finJourneyStepUpCode(t, finn)})
		press(t, finnTab, `form[action="/finance/step-up"] button[type="submit"]`, http.StatusOK, "/finance/exports")

		file := browsertest.Download(t, finnTab, `[data-payments-form] button[type="submit"]`)
		records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(file), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatalf("the file is not CSV: %v\n%s", err, file)
		}
		if len(records) != 2 {
			t.Fatalf("the file has %d records, want a header and one supplier:\n%s", len(records), file)
		}
		row := map[string]string{}
		for i, h := range records[0] {
			row[h] = records[1][i]
		}
		if row["Sort code"] != newSortCode || row["Account number"] != newAccount || row["Legal name"] != "Acorn Fostering Ltd" {
			t.Errorf("the file's row: %v", row)
		}
		if row["Hold payments until"] == "" {
			t.Error("the first-payment hold is not in the file")
		}
		var audited int
		if err := s.DB.Get(&audited, `SELECT count(*) FROM audit_events WHERE action = 'finance.export.completed'
			AND actor_id = $1 AND (summary->>'rows')::int = 1 AND summary->>'sha256' <> ''`, finn.ID); err != nil || audited != 1 {
			t.Errorf("export audit events: %d %v", audited, err)
		}
	})
}

// finJourneyProvider registers an approved provider whose registration bank details were
// verified and approved, through the services, and returns it with its user.
func finJourneyProvider(t *testing.T, s *webtest.Server) (string, *webtest.TestUser) {
	t.Helper()
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	pat := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	vera := s.CreateUser(t, "vera@council.example", []auth.Role{auth.RoleFinance}, "")
	alan := s.CreateUser(t, "alan@council.example", []auth.Role{auth.RoleFinance}, "")
	as := func(u *webtest.TestUser) context.Context {
		return audit.WithActor(context.Background(), audit.Actor{UserID: u.ID, Email: u.Email, Roles: u.RoleNames})
	}
	sections := map[provider.SectionKey]provider.Answers{
		provider.SectionOrganisation: &provider.OrganisationAnswers{LegalName: "Acorn Fostering Ltd", LegalForm: "company",
			CompaniesHouseNumber: "01234567", StartDate: formpkg.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme",
			ServiceCategories: []string{"childrens_homes"}},
		provider.SectionContacts: &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director",
			KeyContactEmail: "kim@acorn.example", KeyContactPhone: "07700 900982"},
		provider.SectionAddresses: &provider.AddressesAnswers{RegLine1: "1 Oak Lane", RegTown: "Exampleton", RegPostcode: "EX1 1AA",
			CorrespondenceSame: "yes"},
		provider.SectionBank: &provider.BankAnswers{AccountName: "Acorn Fostering Ltd", SortCode: "089999", AccountNumber: "66374958"},
	}
	for key, a := range sections {
		def, _ := provider.SectionByKey(string(key))
		if err := s.Providers.SaveSection(as(pat), org, def, a, 0); err != nil {
			t.Fatalf("save %s: %v", key, err)
		}
	}
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved', decided_at = now() WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_sections SET approved_data = data, completed = true WHERE organisation_id = $1`, org); err != nil {
		t.Fatal(err)
	}
	ch, err := s.Finance.OpenInitialRequest(as(vera), org)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Finance.RecordCall(as(vera), ch.ID, ch.Version, finance.CallInput{NumberUsed: "07700900982", Outcome: finance.OutcomeConfirmed}); err != nil {
		t.Fatal(err)
	}
	if err := s.Finance.Approve(as(alan), ch.ID, ch.Version+1, s.Finance.Today()); err != nil {
		t.Fatal(err)
	}
	return org, pat
}

// finJourneyStepUpCode is a code for the time step after now: browsertest.SignIn used the
// current one for this user (a single sign-in), and the portal refuses a step already used
// but accepts one step either side of now.
func finJourneyStepUpCode(t *testing.T, u *webtest.TestUser) string {
	t.Helper()
	step := auth.TOTPStep(time.Now()) + 1
	code, err := totp.GenerateCode(u.TOTPSecret, time.Unix(step*auth.TOTPPeriod, 0))
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// finJourneyErrors describes the page's error summary, for a failure message.
func finJourneyErrors(t *testing.T, tab context.Context) string {
	t.Helper()
	if browsertest.Count(t, tab, ".govuk-error-summary") == 0 {
		return ""
	}
	return ", showing: " + strings.Join(strings.Fields(browsertest.Text(t, tab, ".govuk-error-summary")), " ")
}

// TestFinancePagesAreAccessible scans the finance pages the journey does not reach, as
// they are seen, with and without form errors. Each case has its own tab and finance
// officer, so the cases do not depend on each other.
func TestFinancePagesAreAccessible(t *testing.T) {
	b := browsertest.New(t)
	s := webtest.Start(t)
	org, _ := finJourneyProvider(t, s)
	var detailsID string
	if err := s.DB.Get(&detailsID, `SELECT id FROM payment_details WHERE organisation_id = $1`, org); err != nil {
		t.Fatal(err)
	}
	n := 0
	officer := func(t *testing.T, tab context.Context) *webtest.TestUser {
		t.Helper()
		n++
		u := s.CreateUser(t, "officer"+strconv.Itoa(n)+"@council.example", []auth.Role{auth.RoleFinance}, "")
		browsertest.SignIn(t, tab, s.URL, u)
		return u
	}
	open := func(t *testing.T, tab context.Context, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, got)
		}
	}
	submitShowsErrors := func(t *testing.T, tab context.Context, css string) {
		t.Helper()
		if got := browsertest.Click(t, tab, css); got != http.StatusUnprocessableEntity {
			t.Fatalf("submitting with errors: status %d, want 422", got)
		}
		if browsertest.Count(t, tab, ".govuk-error-summary") != 1 {
			t.Fatal("no error summary")
		}
	}
	cases := []struct {
		name  string
		visit func(t *testing.T, tab context.Context)
	}{
		{"monthly report", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/reports/changes")
			if browsertest.Count(t, tab, "[data-report] tbody tr") == 0 {
				t.Error("the report lists nothing for this month")
			}
		}},
		{"monthly report with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			if got := browsertest.Open(t, tab, s.URL+"/finance/reports/changes?month=May"); got != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", got)
			}
		}},
		{"settings with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/settings")
			browsertest.Fill(t, tab, map[string]string{"first_payment_hold_days": "ninety"})
			submitShowsErrors(t, tab, `form[action="/finance/settings"] button[type="submit"]`)
		}},
		{"new layout with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/export-profiles/new")
			submitShowsErrors(t, tab, `form[action="/finance/export-profiles"] button[type="submit"]`)
		}},
		{"step-up with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/step-up?next=/finance/exports")
			browsertest.Fill(t, tab, map[string]string{"code": "000000"})
			submitShowsErrors(t, tab, `form[action="/finance/step-up"] button[type="submit"]`)
		}},
		{"change keyed in by finance, with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/providers/"+org+"/changes/new")
			submitShowsErrors(t, tab, `form[action="/finance/providers/`+org+`/changes"] button[type="submit"]`)
		}},
		{"NFI export with a creditor without a number", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/exports")
			if browsertest.Count(t, tab, "[data-nfi-unnumbered] tbody tr") != 1 {
				t.Error("the creditor without a number is not listed")
			}
		}},
		{"creditor number with errors", func(t *testing.T, tab context.Context) {
			officer(t, tab)
			open(t, tab, "/finance/providers/"+org)
			browsertest.Fill(t, tab, map[string]string{"creditor_number": "C 1", "site_id": "a b"})
			submitShowsErrors(t, tab, `form[action="/finance/providers/`+org+`/creditor"] button[type="submit"]`)
		}},
		{"bank details in full", func(t *testing.T, tab context.Context) {
			u := officer(t, tab)
			open(t, tab, "/finance/step-up?next=/finance/providers/"+org)
			browsertest.Fill(t, tab, map[string]string{"code": finJourneyStepUpCode(t, u)})
			browsertest.Click(t, tab, `form[action="/finance/step-up"] button[type="submit"]`)
			browsertest.Fill(t, tab, map[string]string{"reason": "Checking a returned payment"})
			if got := browsertest.Click(t, tab, `form[action="/finance/payment-details/`+detailsID+`/reveal"] button[type="submit"]`); got != http.StatusOK {
				t.Fatalf("reveal: status %d%s", got, finJourneyErrors(t, tab))
			}
			if got := browsertest.Text(t, tab, "[data-revealed] [data-account]"); got != "66374958" {
				t.Errorf("revealed account %q", got)
			}
		}},
		{"export page naming a formula name, with a layout for a system", func(t *testing.T, tab context.Context) {
			if _, err := s.DB.Exec(`UPDATE organisations SET trading_name = '-Arts' WHERE id = $1`, org); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB.Exec(`INSERT INTO export_profiles (name, columns, delimiter, date_format, for_system)
				VALUES ('Payments system', '[{"field": "legal_name", "header": "Name"}]', ',', 'ddmmyyyy', true)`); err != nil {
				t.Fatal(err)
			}
			officer(t, tab)
			open(t, tab, "/finance/exports")
			if got := browsertest.Count(t, tab, "[data-formula-names] [data-formula-name]"); got != 1 {
				t.Errorf("%d names beginning with a formula character listed, want 1", got)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab := browsertest.NewTab(t, b)
			tc.visit(t, tab)
			browsertest.AssertAccessible(t, tab)
		})
	}
}
