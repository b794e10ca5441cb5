package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/webtest"
)

// Tests of the contacts, addresses, VAT and bank details sections, through the real app and
// database. Helpers end in "A" so they do not clash with other sections' test files.

// startSectionsA starts the portal with one provider organisation and a signed-in member.
func startSectionsA(t *testing.T) (*webtest.Server, string, *webtest.Client) {
	t.Helper()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Acorn Fostering Ltd")
	u := s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, org)
	return s, org, s.SignIn(t, u, 0)
}

// postSectionA posts values to a section as its page would: with the page's CSRF token and
// the version the page showed, unless values already hold a version.
func postSectionA(t *testing.T, c *webtest.Client, key string, values url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	_, page := c.Get(t, "/provider/sections/"+key)
	if !values.Has("version") {
		v, _ := page.Find(`form input[name="version"]`).Attr("value")
		values.Set("version", v)
	}
	token, _ := page.Find(`input[name="_csrf"]`).First().Attr("value")
	values.Set("_csrf", token)
	return c.Post(t, "/provider/sections/"+key, values)
}

// saveSectionA posts values, expects the redirect to the check page, and returns that page.
func saveSectionA(t *testing.T, c *webtest.Client, key string, values url.Values) *goquery.Document {
	t.Helper()
	resp, doc := postSectionA(t, c, key, values)
	want := "/provider/sections/" + key + "/check"
	if key == "bank-details" { // bank details are shown as typed for checking before they are saved
		if resp.StatusCode != http.StatusOK || doc.Find("[data-bank-check]").Length() != 1 {
			t.Fatalf("save bank details: status %d, want their check page; errors: %q", resp.StatusCode,
				strings.TrimSpace(doc.Find(".govuk-error-summary").Text()))
		}
		values.Set("action", "confirm")
		if resp, doc = postSectionA(t, c, key, values); resp.StatusCode == http.StatusSeeOther {
			resp.Header.Set("Location", want) // confirmed: saved and completed; read the check page as before
		}
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Fatalf("save %s: status %d location %q, want 303 to %s; errors: %q", key, resp.StatusCode,
			resp.Header.Get("Location"), want, strings.TrimSpace(doc.Find(".govuk-error-summary").Text()))
	}
	resp, doc = c.Get(t, want)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("check page %s: status %d", key, resp.StatusCode)
	}
	return doc
}

// summaryA reads a summary list as key → value.
func summaryA(doc *goquery.Document, sel string) map[string]string {
	rows := map[string]string{}
	doc.Find(sel + " .govuk-summary-list__row").Each(func(_ int, r *goquery.Selection) {
		rows[strings.TrimSpace(r.Find(".govuk-summary-list__key").Text())] = strings.TrimSpace(r.Find(".govuk-summary-list__value").Text())
	})
	return rows
}

// sectionDataA returns a section's stored JSON and version ("" and 0 when not saved).
func sectionDataA(t *testing.T, s *webtest.Server, org, key string) (string, int) {
	t.Helper()
	var row struct {
		Data    string `db:"data"`
		Version int    `db:"version"`
	}
	err := s.DB.Get(&row, `SELECT data::text AS data, version FROM provider_sections WHERE organisation_id = $1 AND section = $2`, org, key)
	if err != nil && !strings.Contains(err.Error(), "no rows") {
		t.Fatal(err)
	}
	return row.Data, row.Version
}

func validContactsA() url.Values {
	return url.Values{
		"key_contact_name": {"Pat Jones"}, "key_contact_role": {"Registered Manager"},
		"key_contact_email": {"pat@acorn.example"}, "key_contact_phone": {"+44 7700 900982"},
	}
}

func validAddressesA() url.Values {
	return url.Values{
		"reg_line1": {"1 High Street"}, "reg_town": {"London"}, "reg_postcode": {"sw1a1aa"},
		"correspondence_same": {"no"}, "corr_line1": {"PO Box 12"}, "corr_town": {"Leeds"}, "corr_postcode": {"ls1 1ba"},
	}
}

func TestSectionsASaveShowsNormalisedAnswers(t *testing.T) {
	s, _, c := startSectionsA(t)
	contacts := validContactsA()
	contacts.Set("contacts-0-name", "Sam Lee")
	contacts.Set("contacts-0-role", "Finance lead")
	contacts.Set("contacts-0-email", "sam@acorn.example")
	contacts.Set("contacts-0-phone", "(01632) 960-001")
	cases := []struct {
		key    string
		values url.Values
		want   map[string]string
	}{
		{"contacts", contacts, map[string]string{
			"Key contact":           "Pat Jones, Registered Manager",
			"Key contact email":     "pat@acorn.example",
			"Key contact telephone": "07700 900982",
			"Contact 2":             "Sam Lee, Finance lead, sam@acorn.example, 01632 960001",
		}},
		{"addresses", validAddressesA(), map[string]string{
			"Registered office":      "1 High Street, London, SW1A 1AA",
			"Correspondence address": "PO Box 12, Leeds, LS1 1BA",
		}},
		{"addresses", url.Values{"reg_line1": {"2 Low Road"}, "reg_town": {"York"}, "reg_postcode": {"YO1 7HH"},
			"correspondence_same": {"yes"}, "corr_line1": {"ignored"}, "corr_postcode": {"not a postcode"}},
			map[string]string{"Registered office": "2 Low Road, York, YO1 7HH", "Correspondence address": "Same as the registered office"}},
		{"vat", url.Values{"vat_registered": {"yes"}, "vat_number": {"gb 980 7806 84"}},
			map[string]string{"Registered for VAT": "Yes", "VAT number": "GB980780684"}},
		{"vat", url.Values{"vat_registered": {"yes"}, "vat_number": {"gbgd001"}},
			map[string]string{"VAT number": "GBGD001"}},
		{"vat", url.Values{"vat_registered": {"no"}, "vat_number": {"GB980780684"}},
			map[string]string{"Registered for VAT": "No"}},
		{"bank-details", url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"08-99-99"}, "account_number": {"66374958"}},
			map[string]string{"Name on the account": "Acorn Fostering Ltd", "Sort code": "••-••-99", "Account number": "••••4958",
				"Building society roll number": "None"}},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			got := summaryA(saveSectionA(t, c, tc.key, tc.values), "[data-summary]")
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
			if tc.key == "vat" && tc.values.Get("vat_registered") == "no" {
				if _, shown := got["VAT number"]; shown {
					t.Errorf("a VAT number is shown for an organisation not registered: %v", got)
				}
			}
		})
	}
	var postcode, vat *string
	if err := s.DB.QueryRow(`SELECT postcode, vat_number FROM organisations`).Scan(&postcode, &vat); err != nil {
		t.Fatal(err)
	}
	if postcode == nil || *postcode != "YO1 7HH" {
		t.Errorf("organisation postcode for search: %v", postcode)
	}
}

func TestSectionsAInvalidInputIsRefusedAndKept(t *testing.T) {
	s, org, c := startSectionsA(t)
	longName := strings.Repeat("x", 201)
	cases := []struct {
		name   string
		key    string
		values url.Values
		field  string            // the field the error summary must link to
		keep   map[string]string // input id → value still shown
	}{
		{"key contact missing", "contacts", url.Values{"key_contact_role": {"Manager"}}, "key_contact_name",
			map[string]string{"key_contact_role": "Manager"}},
		{"key contact phone not UK", "contacts", withA(validContactsA(), "key_contact_phone", "+1 555 0100"), "key_contact_phone",
			map[string]string{"key_contact_phone": "+1 555 0100", "key_contact_name": "Pat Jones"}},
		{"key contact email malformed", "contacts", withA(validContactsA(), "key_contact_email", "pat@"), "key_contact_email",
			map[string]string{"key_contact_email": "pat@"}},
		{"further contact email malformed", "contacts", withA(withA(withA(withA(validContactsA(),
			"contacts-0-name", "Sam"), "contacts-0-role", "Finance"), "contacts-0-email", "sam at acorn"), "contacts-0-phone", "07700900123"),
			"contacts-0-email", map[string]string{"contacts-0-email": "sam at acorn", "contacts-0-name": "Sam"}},
		{"second further contact's name missing", "contacts", withA(withA(withA(withA(withA(withA(withA(validContactsA(),
			"contacts-0-name", "Sam"), "contacts-0-role", "Finance"), "contacts-0-email", "sam@acorn.example"), "contacts-0-phone", "07700900123"),
			"contacts-1-role", "Safeguarding lead"), "contacts-1-email", "alex@acorn.example"), "contacts-1-phone", "07700900124"),
			"contacts-1-name", map[string]string{"contacts-1-role": "Safeguarding lead", "contacts-0-name": "Sam"}},
		{"too many further contacts", "contacts", manyContactsA(21), "contacts", map[string]string{"contacts-20-name": "Person 20"}},
		{"control character", "contacts", withA(validContactsA(), "key_contact_name", "Pat\x00Jones"), "key_contact_name",
			map[string]string{"key_contact_role": "Registered Manager"}},
		{"name too long", "contacts", withA(validContactsA(), "key_contact_name", longName), "key_contact_name",
			map[string]string{"key_contact_name": longName}},
		{"registered postcode", "addresses", withA(validAddressesA(), "reg_postcode", "NOT A POSTCODE"), "reg_postcode",
			map[string]string{"reg_postcode": "NOT A POSTCODE", "reg_line1": "1 High Street", "corr_line1": "PO Box 12"}},
		{"correspondence address missing", "addresses", url.Values{"reg_line1": {"1 High Street"}, "reg_town": {"London"},
			"reg_postcode": {"SW1A 1AA"}, "correspondence_same": {"no"}}, "corr_line1",
			map[string]string{"reg_postcode": "SW1A 1AA"}},
		{"correspondence unanswered", "addresses", url.Values{"reg_line1": {"1 High Street"}, "reg_town": {"London"},
			"reg_postcode": {"SW1A 1AA"}}, "correspondence_same", map[string]string{"reg_town": "London"}},
		{"VAT check digits", "vat", url.Values{"vat_registered": {"yes"}, "vat_number": {"GB980780685"}}, "vat_number",
			map[string]string{"vat_number": "GB980780685"}},
		{"VAT number missing", "vat", url.Values{"vat_registered": {"yes"}}, "vat_number", nil},
		{"VAT unanswered", "vat", url.Values{"vat_number": {"GB980780684"}}, "vat_registered",
			map[string]string{"vat_number": "GB980780684"}},
		{"bank modulus check", "bank-details", url.Values{"account_name": {"Acorn"}, "sort_code": {"089999"}, "account_number": {"66374959"}},
			"account_number", map[string]string{"account_name": "Acorn", "sort_code": "089999", "account_number": "66374959"}},
		{"bank sort code malformed", "bank-details", url.Values{"account_name": {"Acorn"}, "sort_code": {"08999"}, "account_number": {"66374958"}},
			"sort_code", map[string]string{"sort_code": "08999"}},
		{"bank account missing", "bank-details", url.Values{"account_name": {"Acorn"}, "sort_code": {"089999"}}, "account_number",
			map[string]string{"sort_code": "089999"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := postSectionA(t, c, tc.key, tc.values)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			link := doc.Find(`.govuk-error-summary a[href="#` + tc.field + `"]`)
			if link.Length() != 1 || strings.TrimSpace(link.Text()) == "" {
				t.Errorf("error summary has no message linking to #%s: %q", tc.field, doc.Find(".govuk-error-summary").Text())
			}
			if doc.Find("#"+tc.field).Length() != 1 {
				t.Errorf("the error links to #%s, which is not on the page", tc.field)
			}
			if doc.Find("#"+tc.field+"-error").Length() != 1 {
				t.Errorf("no message beside #%s", tc.field)
			}
			for id, want := range tc.keep {
				if got, _ := doc.Find("#" + id).Attr("value"); got != want {
					t.Errorf("input #%s shows %q, want the typed %q", id, got, want)
				}
			}
			if data, _ := sectionDataA(t, s, org, tc.key); data != "" {
				t.Errorf("a refused save stored %s", data)
			}
		})
	}
	t.Run("radio answer kept", func(t *testing.T) {
		_, doc := postSectionA(t, c, "addresses", withA(validAddressesA(), "reg_postcode", "x"))
		if _, checked := doc.Find(`#correspondence_same-no`).Attr("checked"); !checked {
			t.Error(`"No" is no longer selected after the error`)
		}
	})
}

// manyContactsA is a valid contacts form with n further contacts.
func manyContactsA(n int) url.Values {
	v := validContactsA()
	for i := range n {
		p := "contacts-" + strconv.Itoa(i) + "-"
		v.Set(p+"name", "Person "+strconv.Itoa(i))
		v.Set(p+"role", "Carer")
		v.Set(p+"email", "person"+strconv.Itoa(i)+"@acorn.example")
		v.Set(p+"phone", "07700900"+strconv.Itoa(100+i))
	}
	return v
}

// withA returns v with one field set, for variations of a valid form.
func withA(v url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	out.Set(key, value)
	return out
}

func TestSectionsAContactsAddAnother(t *testing.T) {
	s, org, c := startSectionsA(t)
	saveSectionA(t, c, "contacts", validContactsA())
	before, version := sectionDataA(t, s, org, "contacts")

	form := withA(validContactsA(), "key_contact_name", "Changed Name")
	form.Set("action", "add-contacts")
	resp, doc := postSectionA(t, c, "contacts", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add another: status %d", resp.StatusCode)
	}
	if n := doc.Find("fieldset[data-contact]").Length(); n != 1 {
		t.Fatalf("after add another: %d further contact fieldsets, want 1", n)
	}
	for _, id := range []string{"contacts-0-name", "contacts-0-role", "contacts-0-email", "contacts-0-phone"} {
		if doc.Find(`fieldset[data-contact] input#`+id).Length() != 1 || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("the new fieldset lacks a labelled #%s", id)
		}
	}
	if doc.Find(`button[name="action"][value="remove-contacts-0"]`).Length() != 1 {
		t.Error("the new contact has no Remove button")
	}
	if got, _ := doc.Find("#key_contact_name").Attr("value"); got != "Changed Name" {
		t.Errorf("typed key contact lost on add another: %q", got)
	}
	if doc.Find(".govuk-error-summary").Length() != 0 {
		t.Error("add another showed errors for the empty new contact")
	}
	if after, v := sectionDataA(t, s, org, "contacts"); after != before || v != version {
		t.Errorf("add another saved: version %d → %d, data %s → %s", version, v, before, after)
	}

	// A second "add" keeps the first contact's typed values.
	form = withA(validContactsA(), "contacts-0-name", "Sam Lee")
	for _, k := range []string{"contacts-0-role", "contacts-0-email", "contacts-0-phone"} {
		form.Set(k, "")
	}
	form.Set("action", "add-contacts")
	_, doc = postSectionA(t, c, "contacts", form)
	if n := doc.Find("fieldset[data-contact]").Length(); n != 2 {
		t.Fatalf("second add another: %d fieldsets, want 2", n)
	}
	if got, _ := doc.Find("#contacts-0-name").Attr("value"); got != "Sam Lee" {
		t.Errorf("first further contact's name after add: %q", got)
	}

	// Removing the first leaves the second, renumbered.
	form = withA(validContactsA(), "contacts-0-name", "Sam Lee")
	form.Set("contacts-1-name", "Alex Kay")
	form.Set("action", "remove-contacts-0")
	resp, doc = postSectionA(t, c, "contacts", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("remove: status %d", resp.StatusCode)
	}
	if n := doc.Find("fieldset[data-contact]").Length(); n != 1 {
		t.Fatalf("after remove: %d fieldsets, want 1", n)
	}
	if got, _ := doc.Find("#contacts-0-name").Attr("value"); got != "Alex Kay" {
		t.Errorf("after removing the first, contact 0 is %q, want Alex Kay", got)
	}
	if after, v := sectionDataA(t, s, org, "contacts"); after != before || v != version {
		t.Errorf("remove saved: version %d → %d", version, v)
	}

	// A remove button for an item that does not exist is a bad request, not a crash.
	form = validContactsA()
	form.Set("action", "remove-contacts-7")
	if resp, _ := postSectionA(t, c, "contacts", form); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("remove of a missing contact: status %d, want 400", resp.StatusCode)
	}
}

func TestSectionsABankDetailsSealedMaskedAndLocked(t *testing.T) {
	s, org, c := startSectionsA(t)
	const sortCode, account = "089999", "66374958"

	// Before saving, the check page shows the numbers as typed; "Change" keeps them.
	typed := url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"08-99-99"}, "account_number": {account}, "action": {"save"}}
	resp, before := postSectionA(t, c, "bank-details", typed)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(before.Find("[data-check-account-number]").Text()) != account ||
		strings.TrimSpace(before.Find("[data-check-sort-code]").Text()) != "08-99-99" {
		t.Fatalf("the check page before saving: status %d, shows %q %q", resp.StatusCode,
			before.Find("[data-check-sort-code]").Text(), before.Find("[data-check-account-number]").Text())
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1`, org); n != 0 {
		t.Fatal("the bank details were saved before the provider confirmed them")
	}
	resp, changed := postSectionA(t, c, "bank-details", withA(typed, "action", "change"))
	if resp.StatusCode != http.StatusOK || changed.Find("#account_number").AttrOr("value", "") != account || strings.ReplaceAll(changed.Find("#sort_code").AttrOr("value", ""), "-", "") != sortCode {
		t.Errorf("Change lost the numbers: #sort_code %q, #account_number %q", changed.Find("#sort_code").AttrOr("value", ""), changed.Find("#account_number").AttrOr("value", ""))
	}
	for _, bad := range []struct{ sortCode, field, want string }{{"00-00-00", "sort_code", "not a real sort code"}} {
		resp, doc := postSectionA(t, c, "bank-details", withA(withA(typed, "sort_code", bad.sortCode), "action", "save"))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#"+bad.field], bad.want) {
			t.Errorf("sort code %s: status %d, errors %v", bad.sortCode, resp.StatusCode, summaryLinks(doc))
		}
	}
	if hint, msg := changed.Find("#account_number-hint").Text(), "6 and 10 digits"; !strings.Contains(hint, msg) {
		t.Errorf("account number hint %q, want it to give the lengths the check accepts (%s)", hint, msg)
	}
	typed.Del("action")
	check := saveSectionA(t, c, "bank-details", typed)
	if got := summaryA(check, "[data-summary]")["Account number"]; got != "••••4958" {
		t.Errorf("check page account number %q, want ••••4958", got)
	}
	if strings.Contains(check.Text(), account) {
		t.Error("the check page shows the whole account number")
	}

	data, _ := sectionDataA(t, s, org, "bank-details")
	for _, secret := range []string{account, sortCode, "08-99-99"} {
		if strings.Contains(data, secret) {
			t.Errorf("stored section data holds %q in clear: %s", secret, data)
		}
	}
	var stored struct {
		AccountSealed  string `json:"account_number_sealed"`
		SortCodeSealed string `json:"sort_code_sealed"`
	}
	if err := json.Unmarshal([]byte(data), &stored); err != nil {
		t.Fatal(err)
	}
	aad := "provider_sections:" + org + ":bank-details"
	if got, err := s.Vault.Open(stored.AccountSealed, aad+":account_number"); err != nil || got != account {
		t.Errorf("sealed account number opens to %q, %v", got, err)
	}
	if got, err := s.Vault.Open(stored.SortCodeSealed, aad+":sort_code"); err != nil || got != sortCode {
		t.Errorf("sealed sort code opens to %q, %v", got, err)
	}

	var summaries []string
	if err := s.DB.Select(&summaries, `SELECT summary::text FROM audit_events WHERE action = 'provider.section.saved'
		AND object_id = $1 ORDER BY id`, org); err != nil {
		t.Fatal(err)
	}
	if len(summaries) != 1 {
		t.Fatalf("%d section saved events, want 1", len(summaries))
	}
	var event struct {
		Changes map[string]any `json:"changes"`
	}
	if err := json.Unmarshal([]byte(summaries[0]), &event); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"account_number_sealed", "sort_code_sealed"} {
		if event.Changes[f] != "changed" {
			t.Errorf("audit shows %s as %v, want \"changed\"", f, event.Changes[f])
		}
	}
	if strings.Contains(summaries[0], account) || strings.Contains(summaries[0], stored.AccountSealed) {
		t.Errorf("audit summary holds the account: %s", summaries[0])
	}

	// The form shows the stored account masked, with empty inputs.
	_, form := c.Get(t, "/provider/sections/bank-details")
	if got := strings.TrimSpace(form.Find("[data-masked-account]").Text()); got != "••••4958" {
		t.Errorf("form shows stored account as %q", got)
	}
	for _, id := range []string{"sort_code", "account_number", "roll_number"} {
		in := form.Find("input#" + id)
		if v, _ := in.Attr("value"); v != "" {
			t.Errorf("#%s is filled with %q", id, v)
		}
		if ac, _ := in.Attr("autocomplete"); ac != "off" {
			t.Errorf("#%s autocomplete=%q", id, ac)
		}
		if sc, _ := in.Attr("spellcheck"); sc != "false" {
			t.Errorf("#%s spellcheck=%q", id, sc)
		}
	}
	for _, id := range []string{"sort_code", "account_number"} {
		if im, _ := form.Find("input#" + id).Attr("inputmode"); im != "numeric" {
			t.Errorf("#%s inputmode=%q", id, im)
		}
	}
	if hint := form.Find("#account_number-hint").Text(); !strings.Contains(hint, "We have the account number ending 4958") {
		t.Errorf("account number hint %q", hint)
	}

	// Saving again with the inputs blank keeps the stored account.
	check = saveSectionA(t, c, "bank-details", url.Values{"account_name": {"Acorn Fostering Limited"}})
	if got := summaryA(check, "[data-summary]"); got["Account number"] != "••••4958" || got["Name on the account"] != "Acorn Fostering Limited" {
		t.Errorf("after a save with blank inputs the check page shows %v", got)
	}
	data2, version := sectionDataA(t, s, org, "bank-details")
	var stored2 struct {
		AccountSealed string `json:"account_number_sealed"`
	}
	if err := json.Unmarshal([]byte(data2), &stored2); err != nil {
		t.Fatal(err)
	}
	if stored2.AccountSealed != stored.AccountSealed {
		t.Error("saving with blank inputs replaced the stored account")
	}

	// Once approved, bank details change only through finance: the page is read-only and a
	// crafted POST is refused.
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'approved' WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	_, form = c.Get(t, "/provider/sections/bank-details")
	if form.Find(`form[action="/provider/sections/bank-details"]`).Length() != 0 || form.Find("input#account_number").Length() != 0 {
		t.Error("approved bank details still show a form")
	}
	if got := strings.TrimSpace(form.Find("[data-masked-account]").Text()); got != "••••4958" {
		t.Errorf("approved bank details show %q, want ••••4958", got)
	}
	if form.Find(".govuk-warning-text").Length() != 1 {
		t.Error("no warning that approved bank details change through finance")
	}
	token := c.CSRF(t, "/provider/sections/bank-details")
	resp, _ = c.Post(t, "/provider/sections/bank-details", url.Values{"_csrf": {token}, "version": {strconv.Itoa(version)},
		"account_name": {"Someone Else"}, "sort_code": {"107999"}, "account_number": {"88837491"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("new bank details after approval: status %d, want 403", resp.StatusCode)
	}
	if data3, v := sectionDataA(t, s, org, "bank-details"); data3 != data2 || v != version {
		t.Errorf("refused change altered the record: version %d → %d", version, v)
	}
}

func TestSectionsAContactsConflict(t *testing.T) {
	s, org, first := startSectionsA(t)
	colleague := s.CreateUser(t, "sam@acorn.example", []auth.Role{auth.RoleProvider}, org)
	second := s.SignIn(t, colleague, 0)
	saveSectionA(t, first, "contacts", validContactsA())

	// Both load the form at the same version.
	_, page1 := first.Get(t, "/provider/sections/contacts")
	_, page2 := second.Get(t, "/provider/sections/contacts")
	v1, _ := page1.Find(`input[name="version"]`).Attr("value")
	v2, _ := page2.Find(`input[name="version"]`).Attr("value")
	if v1 == "" || v1 != v2 {
		t.Fatalf("the two forms show versions %q and %q", v1, v2)
	}

	saveSectionA(t, first, "contacts", withA(withA(validContactsA(), "key_contact_name", "First Editor"), "version", v1))
	resp, doc := postSectionA(t, second, "contacts", withA(withA(validContactsA(), "key_contact_name", "Second Editor"), "version", v2))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("second save: status %d, want 409", resp.StatusCode)
	}
	if got := summaryA(doc, "[data-theirs]")["Key contact"]; got != "First Editor, Registered Manager" {
		t.Errorf("their version shows %q", got)
	}
	if got := summaryA(doc, "[data-mine]")["Key contact"]; !strings.HasPrefix(got, "Second Editor") {
		t.Errorf("my version shows %q", got)
	}
	data, _ := sectionDataA(t, s, org, "contacts")
	var stored struct {
		Name string `json:"key_contact_name"`
	}
	if err := json.Unmarshal([]byte(data), &stored); err != nil {
		t.Fatal(err)
	}
	if stored.Name != "First Editor" {
		t.Errorf("stored key contact %q, want the first save's", stored.Name)
	}
}

func TestSectionsAMarkCompleted(t *testing.T) {
	_, _, c := startSectionsA(t)
	_, tasks := c.Get(t, "/provider")
	if got := strings.TrimSpace(tasks.Find(`[data-status="contacts"]`).Text()); got != "Not started" {
		t.Errorf("contacts before saving: %q", got)
	}
	check := saveSectionA(t, c, "contacts", validContactsA())
	_, tasks = c.Get(t, "/provider")
	if got := strings.TrimSpace(tasks.Find(`[data-status="contacts"]`).Text()); got != "In progress" {
		t.Errorf("contacts saved but not confirmed: %q", got)
	}
	form := check.Find(`form[action="/provider/sections/contacts/complete"]`)
	version, _ := form.Find(`input[name="version"]`).Attr("value")
	token, _ := form.Find(`input[name="_csrf"]`).Attr("value")
	resp, _ := c.Post(t, "/provider/sections/contacts/complete", url.Values{"_csrf": {token}, "version": {version}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/provider" {
		t.Fatalf("mark completed: status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, tasks = c.Get(t, "/provider")
	if got := strings.TrimSpace(tasks.Find(`[data-status="contacts"]`).Text()); got != "Completed" {
		t.Errorf("contacts after confirming: %q, want Completed", got)
	}
	if got := strings.TrimSpace(tasks.Find(`[data-status="addresses"]`).Text()); got != "Not started" {
		t.Errorf("addresses changed too: %q", got)
	}
}

func TestSectionsAFormsAreLabelledAndUnique(t *testing.T) {
	s, org, c := startSectionsA(t)
	withOther := withA(withA(withA(withA(validContactsA(), "contacts-0-name", "Sam Lee"), "contacts-0-role", "Finance lead"),
		"contacts-0-email", "sam@acorn.example"), "contacts-0-phone", "01632960001")
	saveSectionA(t, c, "contacts", withOther)
	saveSectionA(t, c, "bank-details", url.Values{"account_name": {"Acorn"}, "sort_code": {"089999"}, "account_number": {"66374958"}})

	for _, key := range []string{"contacts", "addresses", "vat", "bank-details"} {
		t.Run(key, func(t *testing.T) {
			resp, doc := c.Get(t, "/provider/sections/"+key)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			ids := map[string]int{}
			doc.Find("[id]").Each(func(_ int, s *goquery.Selection) { ids[s.AttrOr("id", "")]++ })
			for id, n := range ids {
				if n > 1 {
					t.Errorf("id %q used %d times", id, n)
				}
			}
			form := doc.Find(`form[action="/provider/sections/` + key + `"]`)
			if form.Length() != 1 {
				t.Fatal("no section form")
			}
			form.Find(`input:not([type="hidden"]):not([type="submit"])`).Each(func(_ int, in *goquery.Selection) {
				id := in.AttrOr("id", "")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
					t.Errorf("input %q (name %q) has no label", id, in.AttrOr("name", ""))
				}
			})
			form.Find(`input[type="radio"]`).Each(func(_ int, in *goquery.Selection) {
				if in.Closest("fieldset").Find("legend").Length() == 0 {
					t.Errorf("radio %q is not in a fieldset with a legend", in.AttrOr("id", ""))
				}
			})
			// Enter in a text input submits with the form's first button: it must save.
			first := form.Find(`button[type="submit"], input[type="submit"]`).First()
			if first.AttrOr("name", "") != "" && first.AttrOr("value", "") != "save" {
				t.Errorf("the first submit control sends %s=%q, so Enter would not save", first.AttrOr("name", ""), first.AttrOr("value", ""))
			}
		})
	}

	_, doc := c.Get(t, "/provider/sections/contacts")
	for id, want := range map[string]string{"key_contact_name": "name", "key_contact_email": "email", "key_contact_phone": "tel"} {
		if got := doc.Find("#"+id).AttrOr("autocomplete", ""); got != want {
			t.Errorf("#%s autocomplete=%q, want %q", id, got, want)
		}
	}
	if got := doc.Find("#contacts-0-name").AttrOr("value", ""); got != "Sam Lee" {
		t.Errorf("saved further contact shown as %q", got)
	}

	// While the record waits for review, the questions show without buttons to change them.
	if _, err := s.DB.Exec(`UPDATE organisations SET status = 'submitted' WHERE id = $1`, org); err != nil {
		t.Fatal(err)
	}
	_, doc = c.Get(t, "/provider/sections/contacts")
	if n := doc.Find(`main button`).Length(); n != 0 {
		t.Errorf("a submitted record's contacts page shows %d buttons", n)
	}
}
