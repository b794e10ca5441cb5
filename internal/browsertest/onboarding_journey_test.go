package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/webtest"
)

// TestOnboardingJourney walks issue 3's whole journey in one browser, as the people do it:
// a new person reads the privacy notice, registers, confirms their address from the email
// and signs in; they complete all ten sections of the supplier record through the question
// pages (one mistake put right, an "add another" contact, three certificates uploaded) and
// submit; an officer, in another tab, asks for a change; the provider makes it and
// resubmits; the officer approves. Each kind of page is scanned with axe on the way.
//
// The steps share the two tabs and run in order; a step that cannot go on stops the ones
// after it, while an accessibility failure is reported and the journey continues.
func TestOnboardingJourney(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	provider := browsertest.NewTab(t, browser)
	officerTab := browsertest.NewTab(t, browser)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	certificates := journeyCertificates(t)

	const (
		name         = "Robin Ash"
		email        = "robin.ash@acorn.example"
		organisation = "Acorn Fostering Ltd"
		keyContact   = "kim.key@acorn.example"
		comment      = "Give the health and safety lead's full name, not their initials"
	)
	var orgID, supplierRef string

	halted := false
	step := func(title string, fn func(t *testing.T)) {
		t.Helper()
		if halted {
			return
		}
		finished := false
		t.Run(title, func(t *testing.T) {
			fn(t)
			finished = true // not reached when fn stops the step with t.Fatal
		})
		halted = !finished
	}
	open := func(t *testing.T, tab context.Context, path string) {
		t.Helper()
		if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
			t.Fatalf("GET %s: status %d, want 200%s", path, got, errorSummary(t, tab))
		}
	}

	step("reads the privacy notice in full before giving any details", func(t *testing.T) {
		open(t, provider, "/register")
		if h := journeyTexts(t, provider, "[data-notice-body] h2"); !slices.Contains(h, "What we collect") {
			t.Errorf("the notice's body is not shown in full: its headings are %q, want one \"What we collect\"", h)
		}
		if got := journeyAttr(t, provider, "[data-notice-version]", "data-notice-version"); got != "1" {
			t.Errorf("notice version shown %q, want 1", got)
		}
		browsertest.AssertAccessible(t, provider)
		press(t, provider, `form[action="/register"] button[type="submit"]`, http.StatusOK, "/register/account")
	})

	step("registers an account and their organisation", func(t *testing.T) {
		if got := browsertest.Count(t, provider, `main a[href="/privacy-notice"][data-notice-link]`); got != 1 {
			t.Errorf("the account form links to the privacy notice %d times, want once", got)
		}
		browsertest.AssertAccessible(t, provider)
		press(t, provider, `form[action="/register/account"] button[type="submit"]`, http.StatusUnprocessableEntity, "/register/account")
		for _, id := range []string{"name", "email", "organisation", "password"} {
			assertSummaryLinks(t, provider, id)
		}
		browsertest.AssertAccessible(t, provider)
		browsertest.Fill(t, provider, map[string]string{"name": name, "email": email, "organisation": organisation,
			"password": webtest.Password, "password_confirm": webtest.Password})
		press(t, provider, `form[action="/register/account"] button[type="submit"]`, http.StatusOK, "/register/account")
		if got := browsertest.Text(t, provider, "h1"); got != "Check your email" {
			t.Fatalf("after creating the account h1 = %q, want Check your email", got)
		}
		if err := s.DB.Get(&orgID, `SELECT m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1`, email); err != nil {
			t.Fatalf("the new user's organisation: %v", err)
		}
	})

	step("confirms the email address from the link in the email and signs in", func(t *testing.T) {
		link := confirmationLink(t, s, email)
		open(t, provider, link)
		if got := browsertest.Text(t, provider, "h1"); got != "Your email address is confirmed" {
			t.Fatalf("confirmation page h1 = %q", got)
		}
		press(t, provider, `main a[href="/sign-in"]`, http.StatusOK, "/sign-in")
		browsertest.Fill(t, provider, map[string]string{"email": email, "password": webtest.Password})
		press(t, provider, `form[action="/sign-in"] button[type="submit"]`, http.StatusOK, "/sign-in/email-code")
		browsertest.AssertAccessible(t, provider)
		browsertest.Fill(t, provider, map[string]string{"code": s.EmailedCode(t, email)})
		press(t, provider, `form[action="/sign-in/email-code"] button[type="submit"]`, http.StatusOK, "/")
		if got := browsertest.Text(t, provider, "h1"); got != name {
			t.Errorf("signed in: home h1 = %q, want %q", got, name)
		}
		press(t, provider, `main a[href="/provider"]`, http.StatusOK, "/provider")
		if got := browsertest.Text(t, provider, `[data-status="declarations"]`); got != "Cannot start yet" {
			t.Errorf("declarations before the other sections: %q, want Cannot start yet", got)
		}
		browsertest.AssertAccessible(t, provider)
	})

	// Each section is filled through its question page, checked and marked completed. Every
	// question page is scanned as it first shows; fill scans the states only it reaches (a
	// list with an item added, a page with errors).
	sections := []struct {
		key, title string
		fill       func(t *testing.T)
		shows      []string // on the check page
	}{
		{"organisation", "Organisation details", func(t *testing.T) {
			browsertest.Fill(t, provider, map[string]string{"legal_name": organisation, "companies_house_number": "01234567",
				"start_date-day": "1", "start_date-month": "4", "start_date-year": "2010"})
			tick(t, provider, "legal_form", "company")
			tick(t, provider, "operation_type", "sme")
			tick(t, provider, "service_categories", "independent_fostering")
			tick(t, provider, "service_categories", "short_breaks")
		}, []string{organisation, "01234567"}},

		{"contacts", "Contacts", func(t *testing.T) {
			browsertest.Fill(t, provider, map[string]string{"key_contact_name": "Kim Key", "key_contact_role": "Director",
				"key_contact_email": keyContact, "key_contact_phone": "01632 960 001"})
			press(t, provider, `button[name="action"][value="add-contacts"]`, http.StatusOK, "/provider/sections/contacts")
			if browsertest.Count(t, provider, `[data-contact="0"]`) != 1 {
				t.Fatal("Add another contact did not add a contact's fieldset")
			}
			if got := journeyValue(t, provider, "key_contact_email"); got != keyContact {
				t.Errorf("after adding a contact the key contact's email reads %q, want what was typed", got)
			}
			browsertest.AssertAccessible(t, provider) // an add-another list with an item
			browsertest.Fill(t, provider, map[string]string{"contacts-0-name": "Lee Second", "contacts-0-role": "Finance lead",
				"contacts-0-email": "lee.second@acorn.example", "contacts-0-phone": "07700 900 982"})
		}, []string{"Kim Key, Director", "Lee Second, Finance lead"}},

		{"addresses", "Addresses", func(t *testing.T) {
			browsertest.Fill(t, provider, map[string]string{"reg_line1": "1 Acorn Way", "reg_town": "Leeds", "reg_postcode": "ls1 4ap"})
			tick(t, provider, "correspondence_same", "yes")
		}, []string{"LS1 4AP"}},

		{"vat", "VAT registration", func(t *testing.T) {
			// The deliberate mistake: a number whose check digits are wrong.
			const wrong = "GB 980 7806 85"
			tick(t, provider, "vat_registered", "yes")
			browsertest.Fill(t, provider, map[string]string{"vat_number": wrong})
			press(t, provider, `button.govuk-button[name="action"][value="save"]`, http.StatusUnprocessableEntity, "/provider/sections/vat")
			assertSummaryLinks(t, provider, "vat_number")
			if got := journeyValue(t, provider, "vat_number"); got != wrong {
				t.Errorf("the VAT number field holds %q after the error, want what was typed, %q", got, wrong)
			}
			if browsertest.Count(t, provider, "#vat_number-error") != 1 {
				t.Error("the VAT number has no error message beside it")
			}
			browsertest.Do(t, provider, chromedp.Click(chromedp.CSS(`.govuk-error-summary a[href="#vat_number"]`)))
			if got, err := browsertest.Run(t, provider, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || got != "vat_number" {
				t.Errorf("the error summary's link moved focus to %q (%v), want the field", got, err)
			}
			browsertest.AssertAccessible(t, provider) // a question page with errors
			browsertest.Fill(t, provider, map[string]string{"vat_number": "GB 980 7806 84"})
		}, []string{"GB980780684"}},

		{"bank-details", "Bank details", func(t *testing.T) {
			browsertest.Fill(t, provider, map[string]string{"account_name": organisation, "sort_code": "08-99-99", "account_number": "66374958"})
		}, []string{"4958"}},

		{"insurance", "Insurance", func(t *testing.T) {
			tick(t, provider, "el_exempt", "no")
			start, expiry := time.Now().AddDate(0, -1, 0), time.Now().AddDate(0, 11, 0)
			for i := range certificates {
				p := func(f string) string { return fmt.Sprintf("policies-%d-%s", i, f) }
				values := map[string]string{p("insurer"): "Hiscox", p("policy_number"): fmt.Sprintf("POL-%d-2025", i+1), p("cover"): "10000000"}
				dateInto(values, p("start"), start)
				dateInto(values, p("expiry"), expiry)
				browsertest.Fill(t, provider, values)
				browsertest.Do(t, provider, chromedp.SetUploadFiles(chromedp.ID(p("certificate")), []string{certificates[i]}))
			}
		}, []string{"certificate employers-liability.pdf", "certificate public-liability.pdf", "certificate professional-indemnity.pdf"}},

		{"regulation", "Ofsted and CQC registration", func(t *testing.T) {
			tick(t, provider, "ofsted_registered", "yes")
			values := map[string]string{"ofsted-0-urn": "SC057941"}
			dateInto(values, "ofsted-0-judgement_date", time.Now().AddDate(0, -6, 0))
			browsertest.Fill(t, provider, values)
			tick(t, provider, "ofsted-0-judgement", "good")
			tick(t, provider, "cqc_registered", "no")
		}, []string{"SC057941"}},

		{"safeguarding", "Safeguarding and DBS checks", func(t *testing.T) {
			values := map[string]string{"staff-0-name": "Sam Jones", "staff-0-role": "Registered manager", "staff-0-certificate_number": "0012 3456 7890"}
			dateInto(values, "staff-0-issue_date", time.Now().AddDate(-1, 0, 0))
			dateInto(values, "staff-0-last_check_date", time.Now().AddDate(0, 0, -7))
			browsertest.Fill(t, provider, values)
			tick(t, provider, "staff-0-level", "enhanced_barred")
			tick(t, provider, "staff-0-update_service", "yes")
			tick(t, provider, "staff-0-last_check_result", "current")
		}, []string{"Sam Jones"}},

		{"health-and-safety", "Health and safety", func(t *testing.T) {
			values := map[string]string{"lead_name": "A. Smith", "reportable_incidents": "0"}
			dateInto(values, "hs_policy_review", time.Now().AddDate(0, -2, 0))
			dateInto(values, "safeguarding_policy_review", time.Now().AddDate(0, -3, 0))
			browsertest.Fill(t, provider, values)
		}, []string{"A. Smith"}},

		{"declarations", "Declarations", func(t *testing.T) {
			tick(t, provider, "accurate", "true")
			tick(t, provider, "notice_read", "true")
		}, nil},
	}
	for _, sec := range sections {
		step("completes "+sec.title, func(t *testing.T) {
			if p := browsertest.Location(t, provider).Path; p != "/provider" {
				open(t, provider, "/provider")
			}
			path := "/provider/sections/" + sec.key
			press(t, provider, `a.govuk-task-list__link[href="`+path+`"]`, http.StatusOK, path)
			browsertest.AssertAccessible(t, provider) // the question page as it first shows
			sec.fill(t)
			if sec.key == "bank-details" {
				checkBankDetailsBeforeSaving(t, provider, path)
				if got := browsertest.Text(t, provider, `[data-status="`+sec.key+`"]`); got != "Completed" {
					t.Errorf("task list status of %s = %q, want Completed", sec.key, got)
				}
				return
			}
			press(t, provider, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, path+"/check")
			summary := browsertest.Text(t, provider, "[data-summary]")
			for _, want := range sec.shows {
				if !strings.Contains(summary, want) {
					t.Errorf("check your answers does not show %q; it shows:\n%s", want, summary)
				}
			}
			if sec.key == "contacts" { // every check page is the same template: scan one, with a list's rows
				browsertest.AssertAccessible(t, provider)
			}
			press(t, provider, `form[action="`+path+`/complete"] button[type="submit"]`, http.StatusOK, "/provider")
			if got := browsertest.Text(t, provider, `[data-status="`+sec.key+`"]`); got != "Completed" {
				t.Errorf("task list status of %s = %q, want Completed", sec.key, got)
			}
		})
	}

	step("submits the record and sees the supplier reference", func(t *testing.T) {
		if got := journeyTexts(t, provider, "[data-status]"); slices.ContainsFunc(got, func(s string) bool { return s != "Completed" }) {
			t.Fatalf("task list statuses %q, want every section Completed", got)
		}
		browsertest.AssertAccessible(t, provider) // the task list, every section done
		press(t, provider, `a[data-check-record]`, http.StatusOK, "/provider/check")
		if got := browsertest.Count(t, provider, "[data-record-section]"); got != 10 {
			t.Errorf("the whole-record check shows %d sections, want all 10", got)
		}
		browsertest.AssertAccessible(t, provider) // the whole record on one page
		press(t, provider, `form[action="/provider/submit"] button[type="submit"]`, http.StatusOK, "/provider/submitted")
		if got := browsertest.Text(t, provider, ".govuk-panel--confirmation h1"); got != "Registration submitted" {
			t.Errorf("confirmation panel title %q", got)
		}
		if err := s.DB.Get(&supplierRef, `SELECT supplier_ref FROM organisations WHERE id = $1`, orgID); err != nil {
			t.Fatal(err)
		}
		if got := browsertest.Text(t, provider, "[data-supplier-ref]"); supplierRef == "" || got != supplierRef {
			t.Errorf("the panel shows supplier reference %q, want the organisation's %q", got, supplierRef)
		}
		browsertest.AssertAccessible(t, provider)
	})

	step("an officer comments on a section and requests changes", func(t *testing.T) {
		journeyFront(t, officerTab)
		browsertest.SignIn(t, officerTab, s.URL, officer)
		press(t, officerTab, `main a[href="/review"]`, http.StatusOK, "/review")
		row := `[data-queue-row="` + orgID + `"]`
		if got := browsertest.Text(t, officerTab, row+" td:nth-child(1)"); got != supplierRef {
			t.Errorf("queue row supplier reference %q, want %q", got, supplierRef)
		}
		browsertest.AssertAccessible(t, officerTab) // the review queue
		press(t, officerTab, row+" a", http.StatusOK, "/review/providers/"+orgID)
		if got := browsertest.Count(t, officerTab, "[data-documents] [data-document]"); got != 3 {
			t.Errorf("the officer's page lists %d documents, want the 3 certificates", got)
		}
		if got := browsertest.Text(t, officerTab, `[data-section="contacts"] [data-answers]`); !strings.Contains(got, "Lee Second") {
			t.Errorf("the officer does not see the second contact; contacts card: %s", got)
		}
		browsertest.AssertAccessible(t, officerTab) // the officer's view of a provider
		typeInto(t, officerTab, "comment-health-and-safety", comment)
		press(t, officerTab, `button[name="decision"][value="request_changes"]`, http.StatusOK, "/review")
		if got := browsertest.Text(t, officerTab, ".govuk-notification-banner__heading"); !strings.Contains(got, "asked "+organisation+" to make changes") {
			t.Errorf("after requesting changes the banner says %q", got)
		}
		browsertest.AssertAccessible(t, officerTab) // the result of requesting changes
	})

	step("the provider sees the comment, fixes the section and resubmits", func(t *testing.T) {
		journeyFront(t, provider)
		open(t, provider, "/provider")
		if got := browsertest.Text(t, provider, "[data-record-status]"); got != "Changes requested" {
			t.Errorf("record status %q, want Changes requested", got)
		}
		if got := browsertest.Text(t, provider, "[data-comment]"); !strings.Contains(got, comment) || !strings.Contains(got, officer.Name) {
			t.Errorf("the task list's comment reads %q, want %q from %s", got, comment, officer.Name)
		}
		if got := browsertest.Text(t, provider, `[data-status="health-and-safety"]`); got != "In progress" {
			t.Errorf("the commented section is %q, want In progress", got)
		}
		browsertest.AssertAccessible(t, provider) // the task list with a comment
		path := "/provider/sections/health-and-safety"
		press(t, provider, `a.govuk-task-list__link[href="`+path+`"]`, http.StatusOK, path)
		if got := browsertest.Text(t, provider, "[data-comment]"); !strings.Contains(got, comment) {
			t.Errorf("the section page's comment reads %q", got)
		}
		browsertest.Fill(t, provider, map[string]string{"lead_name": "Alex Smith"})
		press(t, provider, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, path+"/check")
		if got := browsertest.Text(t, provider, "[data-summary]"); !strings.Contains(got, "Alex Smith") {
			t.Errorf("check your answers after the fix: %s", got)
		}
		press(t, provider, `form[action="`+path+`/complete"] button[type="submit"]`, http.StatusOK, "/provider")
		press(t, provider, `a[data-check-record]`, http.StatusOK, "/provider/check")
		press(t, provider, `form[action="/provider/submit"] button[type="submit"]`, http.StatusOK, "/provider/submitted")
		if got := browsertest.Text(t, provider, "[data-supplier-ref]"); got != supplierRef {
			t.Errorf("resubmitted: supplier reference %q, want %q", got, supplierRef)
		}
	})

	step("the officer approves and the provider sees it", func(t *testing.T) {
		journeyFront(t, officerTab)
		open(t, officerTab, "/review")
		row := `[data-queue-row="` + orgID + `"]`
		if got := browsertest.Text(t, officerTab, row+" [data-record-status]"); got != "Resubmitted" {
			t.Errorf("queue status %q, want Resubmitted", got)
		}
		press(t, officerTab, row+" a", http.StatusOK, "/review/providers/"+orgID)
		// A resubmission leads with what changed since the officer asked for changes.
		if got := browsertest.Text(t, officerTab, `[data-section="health-and-safety"] [data-changes-list]`); !strings.Contains(got, "Alex Smith") {
			t.Errorf("the officer does not see the fix: %s", got)
		}
		// Approving asks for confirmation first.
		press(t, officerTab, `button[name="decision"][value="approve"]`, http.StatusOK, "/review/providers/"+orgID+"/decision")
		press(t, officerTab, `button[data-confirm]`, http.StatusOK, "/review")
		if got := browsertest.Text(t, officerTab, ".govuk-notification-banner__heading"); !strings.Contains(got, organisation+" is approved") {
			t.Errorf("after approving the banner says %q", got)
		}

		journeyFront(t, provider)
		open(t, provider, "/provider")
		if got := browsertest.Text(t, provider, "[data-record-status]"); got != "Approved" {
			t.Errorf("the provider's record status is %q, want Approved", got)
		}
		browsertest.AssertAccessible(t, provider) // the task list of an approved record
	})

	step("the provider was emailed at each decision", func(t *testing.T) {
		for _, to := range []string{email, keyContact} {
			subjects := decisionSubjects(t, s, to)
			for _, want := range []string{"We have received your registration", "Changes are needed to your registration", "Your registration has been approved"} {
				if !slices.ContainsFunc(subjects, func(s string) bool { return strings.HasPrefix(s, want) }) {
					t.Errorf("no %q email to %s; subjects: %q", want, to, subjects)
				}
			}
		}
		var body string
		if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'provider_decision'
			AND subject LIKE 'Changes are needed%' ORDER BY created_at DESC LIMIT 1`, email); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, comment) || !strings.Contains(body, supplierRef) {
			t.Errorf("the changes email does not give the comment and the supplier reference:\n%s", body)
		}
	})
}

// press clicks the element css finds, waits for the page it loads, and checks its status
// and path, naming any errors the page shows when they are not as expected.
// checkBankDetailsBeforeSaving is the bank details' own check page: the numbers just typed
// shown in full (a typo can be seen), "Change" back to the form with every number kept, and
// "Confirm and save", which saves and completes the section. Saved, they are masked.
func checkBankDetailsBeforeSaving(t *testing.T, provider context.Context, path string) {
	t.Helper()
	press(t, provider, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, path)
	if got := browsertest.Text(t, provider, "[data-check-sort-code]") + " " + browsertest.Text(t, provider, "[data-check-account-number]"); got != "08-99-99 66374958" {
		t.Errorf("the check page shows %q, want the numbers as typed, 08-99-99 66374958", got)
	}
	browsertest.AssertAccessible(t, provider)
	press(t, provider, `[data-check-account-number] + dd button[value="change"]`, http.StatusOK, path)
	for id, want := range map[string]string{"sort_code": "089999", "account_number": "66374958"} {
		if got, err := browsertest.Run(t, provider, chromedp.Evaluate[string](`document.getElementById("`+id+`").value`)); err != nil || got != want {
			t.Errorf("after Change, #%s holds %q (%v), want %q", id, got, err, want)
		}
	}
	press(t, provider, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, path)
	press(t, provider, `button.govuk-button[name="action"][value="confirm"]`, http.StatusOK, "/provider")
	open := browsertest.Open(t, provider, strings.TrimSuffix(browsertest.Location(t, provider).String(), "/provider")+path+"/check")
	if open != http.StatusOK {
		t.Fatalf("bank check page after saving: status %d", open)
	}
	if summary := browsertest.Text(t, provider, "[data-summary]"); strings.Contains(summary, "66374958") || !strings.Contains(summary, "4958") {
		t.Errorf("after saving, the bank details show %q, want them masked", summary)
	}
	browsertest.Open(t, provider, strings.TrimSuffix(browsertest.Location(t, provider).String(), path+"/check")+"/provider")
}

func press(t *testing.T, tab context.Context, css string, wantStatus int, wantPath string) {
	t.Helper()
	got := browsertest.Click(t, tab, css)
	path := browsertest.Location(t, tab).Path
	if got != wantStatus || path != wantPath {
		t.Fatalf("clicking %s: status %d on %s, want %d on %s%s", css, got, path, wantStatus, wantPath, errorSummary(t, tab))
	}
}

// tick selects the radio button or checkbox of the field name with that value, by
// clicking it as a person does.
func tick(t *testing.T, tab context.Context, name, value string) {
	t.Helper()
	browsertest.Do(t, tab, chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%q][value=%q]`, name, value))))
}

// assertSummaryLinks checks the error summary links to the field with that id, and that
// the field has its own message.
func assertSummaryLinks(t *testing.T, tab context.Context, id string) {
	t.Helper()
	if browsertest.Count(t, tab, `.govuk-error-summary a[href="#`+id+`"]`) != 1 {
		t.Errorf("the error summary does not link to #%s%s", id, errorSummary(t, tab))
	}
	if browsertest.Count(t, tab, "#"+id) != 1 || browsertest.Count(t, tab, "#"+id+"-error") != 1 {
		t.Errorf("the field #%s or its error message is missing", id)
	}
}

// errorSummary describes the error summary the page shows, if any, for failure messages.
func errorSummary(t *testing.T, tab context.Context) string {
	t.Helper()
	if browsertest.Count(t, tab, ".govuk-error-summary") == 0 {
		return ""
	}
	return ", showing: " + strings.Join(strings.Fields(browsertest.Text(t, tab, ".govuk-error-summary")), " ")
}

// typeInto types text key by key into the empty textarea with that id. browsertest.Fill
// cannot: it clears the field first, and chromedp's Clear fails on a textarea with no text.
func typeInto(t *testing.T, tab context.Context, id, text string) {
	t.Helper()
	if got := journeyValue(t, tab, id); got != "" {
		t.Fatalf("#%s already holds %q", id, got)
	}
	browsertest.Do(t, tab, chromedp.SendKeys(chromedp.ID(id), text))
}

// journeyTexts returns the visible text of every element css finds now.
func journeyTexts(t *testing.T, tab context.Context, css string) []string {
	t.Helper()
	expr := fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.innerText.trim())`, css)
	got, err := browsertest.Run(t, tab, chromedp.Evaluate[[]string](expr))
	if err != nil {
		t.Fatalf("reading the texts of %s: %v", css, err)
	}
	return got
}

// journeyAttr returns an attribute of the first element css finds.
func journeyAttr(t *testing.T, tab context.Context, css, name string) string {
	t.Helper()
	res, err := browsertest.Run(t, tab, chromedp.AttributeValue(chromedp.CSS(css), name))
	if err != nil {
		t.Fatalf("reading %s of %s: %v", name, css, err)
	}
	return res.Value
}

// journeyValue returns the current value of the input with that id.
func journeyValue(t *testing.T, tab context.Context, id string) string {
	t.Helper()
	v, err := browsertest.Run(t, tab, chromedp.Value(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("reading the value of #%s: %v", id, err)
	}
	return v
}

// journeyFront brings the tab to the front, as a person switching tabs does, so the
// browser does not throttle the timers of a page left in the background.
func journeyFront(t *testing.T, tab context.Context) {
	t.Helper()
	browsertest.Do(t, tab, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.BringToFront, cdp.Empty{})
		return err
	}))
}

// dateInto sets the day, month and year inputs of the date field name to d.
func dateInto(values map[string]string, name string, d time.Time) {
	values[name+"-day"] = strconv.Itoa(d.Day())
	values[name+"-month"] = strconv.Itoa(int(d.Month()))
	values[name+"-year"] = strconv.Itoa(d.Year())
}

// journeyPDF is a small but real PDF document, for the certificate uploads.
const journeyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n"

// journeyCertificates writes the three insurance certificates to a temporary folder and
// returns their paths, in the order of the insurance page's policies.
func journeyCertificates(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, name := range []string{"employers-liability.pdf", "public-liability.pdf", "professional-indemnity.pdf"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(journeyPDF), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

var journeyConfirmLink = regexp.MustCompile(`https?://\S+/register/confirm/[A-Za-z0-9_-]+`)

// confirmationLink is the path of the link in the newest confirmation email to email,
// read from the outbox as the mailer would send it.
func confirmationLink(t *testing.T, s *webtest.Server, email string) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = 'email_confirmation'
		ORDER BY created_at DESC, id DESC LIMIT 1`, email); err != nil {
		t.Fatalf("no confirmation email to %s: %v", email, err)
	}
	link := journeyConfirmLink.FindString(body)
	if link == "" {
		t.Fatalf("no confirmation link in the email:\n%s", body)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if base, _ := url.Parse(s.URL); u.Host != base.Host {
		t.Errorf("the link %s is not on the portal's address %s", link, s.URL)
	}
	return u.Path
}

// decisionSubjects lists the subjects of the decision emails in the outbox to an address.
func decisionSubjects(t *testing.T, s *webtest.Server, to string) []string {
	t.Helper()
	var subjects []string
	if err := s.DB.Select(&subjects, `SELECT subject FROM outbox WHERE to_address = $1 AND kind = 'provider_decision' ORDER BY created_at, id`, to); err != nil {
		t.Fatal(err)
	}
	return subjects
}
