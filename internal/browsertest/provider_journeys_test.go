package browsertest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/demo"
	"github.com/council/provider-portal/internal/webtest"
)

// TestProviderWorkIsNeverLost walks, as a provider would in Chromium, with JavaScript on and
// off, the places a provider's work used to be lost or hidden: certificates thrown away when
// anything else on the insurance page was wrong, a half-filled section lost on leaving, bank
// details masked before they could be checked, and the small slips (titles, phone numbers,
// hints, empty "add another" rows, a members table too wide for a phone).
func TestProviderWorkIsNeverLost(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	certificates := journeyCertificates(t)

	for _, js := range []bool{true, false} {
		name := "JavaScript on"
		if !js {
			name = "JavaScript off"
		}
		t.Run(name, func(t *testing.T) {
			org := s.NewOrganisation(t, "Acorn Fostering "+name)
			u := s.CreateUser(t, fmt.Sprintf("pat.%t@acorn.example", js), []auth.Role{auth.RoleProvider}, org)
			tab := browsertest.NewTab(t, browser)
			if !js {
				browsertest.DisableJavaScript(t, tab)
			}
			browsertest.SignIn(t, tab, s.URL, u)
			open := func(t *testing.T, path string) {
				t.Helper()
				if got := browsertest.Open(t, tab, s.URL+path); got != http.StatusOK {
					t.Fatalf("GET %s: status %d", path, got)
				}
			}

			t.Run("certificates survive a page with mistakes", func(t *testing.T) {
				open(t, "/provider/sections/insurance")
				tick(t, tab, "el_exempt", "no")
				start, expiry := time.Now().AddDate(0, -1, 0), time.Now().AddDate(0, 11, 0)
				for i := range certificates {
					p := func(f string) string { return fmt.Sprintf("policies-%d-%s", i, f) }
					values := map[string]string{p("insurer"): "Hiscox", p("policy_number"): fmt.Sprintf("POL-%d", i+1), p("cover"): "10000000"}
					switch i { // two mistakes, far apart on the page
					case 0:
						values[p("cover")] = "100"
					case 2:
						delete(values, p("insurer"))
					}
					dateInto(values, p("start"), start)
					dateInto(values, p("expiry"), expiry)
					browsertest.Fill(t, tab, values)
					browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID(p("certificate")), []string{certificates[i]}))
				}
				// Both mistakes are shown at once, in the page's order.
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusUnprocessableEntity, "/provider/sections/insurance")
				if got := journeyTexts(t, tab, ".govuk-error-summary__list a"); len(got) != 2 ||
					!strings.Contains(got[0], "Employer's liability cover") || !strings.Contains(got[1], "professional indemnity insurer") {
					t.Errorf("error summary %q, want both mistakes in the page's order", got)
				}
				if got := browsertest.Count(t, tab, "[data-uploaded]"); got != 3 {
					t.Fatalf("%d certificates shown as uploaded after the refused save, want all 3", got)
				}
				browsertest.AssertAccessible(t, tab)
				// Put the mistakes right without choosing the files again.
				browsertest.Fill(t, tab, map[string]string{"policies-0-cover": "10000000", "policies-2-insurer": "Zurich"})
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, "/provider/sections/insurance/check")
				summary := browsertest.Text(t, tab, "[data-summary]")
				for _, f := range []string{"employers-liability.pdf", "public-liability.pdf", "professional-indemnity.pdf"} {
					if !strings.Contains(summary, f) {
						t.Errorf("the saved section does not name %s: %s", f, summary)
					}
				}
			})

			t.Run("a half-filled section is saved as a draft", func(t *testing.T) {
				open(t, "/provider/sections/contacts")
				browsertest.Fill(t, tab, map[string]string{"key_contact_name": "Kim Key", "key_contact_email": "kim at acorn"})
				press(t, tab, `button[name="action"][value="draft"]`, http.StatusOK, "/provider")
				if got := browsertest.Text(t, tab, `[data-status="contacts"]`); got != "In progress" {
					t.Errorf("contacts show %q after a draft, want In progress", got)
				}
				open(t, "/provider/sections/contacts")
				if got, err := browsertest.Run(t, tab, chromedp.Evaluate[string](`document.getElementById("key_contact_email").value`)); err != nil || got != "kim at acorn" {
					t.Errorf("the draft shows the email as %q (%v), want what was typed", got, err)
				}
				if browsertest.Count(t, tab, "[data-draft]") != 1 {
					t.Error("the page does not say it shows a draft")
				}
				// Finishing it checks it in full; the phone number is shown back grouped.
				browsertest.Fill(t, tab, map[string]string{"key_contact_email": "kim@acorn.example", "key_contact_role": "Director",
					"key_contact_phone": "+44 7700 900982"})
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, "/provider/sections/contacts/check")
				if summary := browsertest.Text(t, tab, "[data-summary]"); !strings.Contains(summary, "07700 900982") {
					t.Errorf("the phone number is shown as %q, want 07700 900982", summary)
				}
				open(t, "/provider/sections/contacts")
				if got, _ := browsertest.Run(t, tab, chromedp.Evaluate[string](`document.getElementById("key_contact_phone").value`)); got != "07700 900982" {
					t.Errorf("the form shows the phone number as %q, want it with its spaces", got)
				}
			})

			t.Run("an empty add-another row does not block saving", func(t *testing.T) {
				open(t, "/provider/sections/contacts")
				press(t, tab, `button[name="action"][value="add-contacts"]`, http.StatusOK, "/provider/sections/contacts")
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, "/provider/sections/contacts/check")
			})

			t.Run("bank details: 00-00-00 refused, hints agree with the check", func(t *testing.T) {
				open(t, "/provider/sections/bank-details")
				if hint := browsertest.Text(t, tab, "#account_number-hint"); !strings.Contains(hint, "6 and 10 digits") {
					t.Errorf("account number hint %q", hint)
				}
				browsertest.Fill(t, tab, map[string]string{"account_name": "Acorn Fostering", "sort_code": "00-00-00", "account_number": "12345678"})
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusUnprocessableEntity, "/provider/sections/bank-details")
				if got := browsertest.Text(t, tab, "#sort_code-error"); !strings.Contains(got, "not a real sort code") {
					t.Errorf("00-00-00: %q", got)
				}
				browsertest.Fill(t, tab, map[string]string{"sort_code": "08-99-99", "account_number": "6637495"})
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusUnprocessableEntity, "/provider/sections/bank-details")
				browsertest.Fill(t, tab, map[string]string{"account_number": "66374958"})
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, "/provider/sections/bank-details")
				if got := browsertest.Text(t, tab, "[data-check-account-number]"); got != "66374958" {
					t.Errorf("the check page shows %q, want the number typed", got)
				}
			})

			t.Run("titles keep their capitals", func(t *testing.T) {
				open(t, "/provider/sections/vat")
				if hint := browsertest.Text(t, tab, "#vat_number-hint"); !strings.Contains(hint, "GB980780684") {
					t.Errorf("VAT hint %q, want an example that passes the check", hint)
				}
				browsertest.Fill(t, tab, map[string]string{"vat_number": "GB980780684"})
				tick(t, tab, "vat_registered", "yes")
				press(t, tab, `button.govuk-button[name="action"][value="save"]`, http.StatusOK, "/provider/sections/vat/check")
				if title, _ := browsertest.Run(t, tab, chromedp.Title()); !strings.Contains(title, "VAT registration") {
					t.Errorf("page title %q", title)
				}
			})

			t.Run("the members table fits a phone", func(t *testing.T) {
				browsertest.Do(t, tab, chromedp.EmulateViewport(375, 800))
				defer browsertest.Do(t, tab, chromedp.EmulateViewport(1280, 900))
				s.CreateUser(t, fmt.Sprintf("a.very.long.email.address.for.testing.%t@a-long-organisation-domain.example", js), []auth.Role{auth.RoleProvider}, org)
				open(t, "/organisation/members")
				if w, err := browsertest.Run(t, tab, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 375 {
					t.Errorf("the members page is %d px wide on a 375 px screen (%v)", w, err)
				}
			})
		})
	}
}

// TestProviderRecordAsSent opens the demo provider's submitted record: every section is
// read-only while it waits for a decision, and the record as sent (what, when, by whom)
// can be printed and downloaded as a PDF; with JavaScript on and off.
func TestProviderRecordAsSent(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	ctx := context.Background()
	if err := demo.LoadSubmittedProvider(ctx, s.Auth, s.Providers); err != nil {
		t.Fatal(err)
	}
	const email = "manager@oakfield.example.org"
	for _, js := range []bool{true, false} {
		t.Run(fmt.Sprintf("JavaScript %t", js), func(t *testing.T) {
			tab := browsertest.NewTab(t, browser)
			if !js {
				browsertest.DisableJavaScript(t, tab)
			}
			browsertest.EnterPassword(t, tab, s.URL, email, demo.Password)
			browsertest.Fill(t, tab, map[string]string{"code": s.EmailedCode(t, email)})
			browsertest.Click(t, tab, `form[action="/sign-in/email-code"] button[type="submit"]`)
			if browsertest.Location(t, tab).Path == "/privacy-notice/acknowledge" { // the demo loader acknowledged no notice
				browsertest.Click(t, tab, `form[action="/privacy-notice/acknowledge"] button[type="submit"]`)
			}
			if got := browsertest.Open(t, tab, s.URL+"/provider"); got != http.StatusOK {
				t.Fatalf("task list: status %d", got)
			}
			press(t, tab, `a[data-record-copy]`, http.StatusOK, "/provider/record")
			if sent := browsertest.Text(t, tab, "[data-sent]"); !strings.Contains(sent, "Submitted on") || !strings.Contains(sent, "Morgan Hale") {
				t.Errorf("the copy says %q, want when and by whom", sent)
			}
			if got := browsertest.Count(t, tab, "[data-copy-section]"); got != 10 {
				t.Errorf("the copy shows %d sections, want 10", got)
			}
			browsertest.AssertAccessible(t, tab)
			if pdf := browsertest.Download(t, tab, "[data-record-pdf]"); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Errorf("the download is not a PDF: %q", pdf[:min(16, len(pdf))])
			}
			if got := browsertest.Open(t, tab, s.URL+"/provider/sections/contacts"); got != http.StatusOK {
				t.Fatalf("contacts: status %d", got)
			}
			if browsertest.Count(t, tab, "main input:not([type=hidden]), main textarea, main select") != 0 || browsertest.Count(t, tab, "[data-read-only]") != 1 {
				t.Error("a section sent for review is shown as a form, want it read-only")
			}
			browsertest.AssertAccessible(t, tab)
		})
	}
}
