package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/webtest"
)

// linkFromMail returns the path of the link matching pattern in the newest mail of kind to
// email, checking it points at the portal.
func linkFromMail(t *testing.T, s *webtest.Server, email, kind string, pattern *regexp.Regexp) string {
	t.Helper()
	var body string
	if err := s.DB.Get(&body, `SELECT body FROM outbox WHERE to_address = $1 AND kind = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, email, kind); err != nil {
		t.Fatalf("no %s mail to %s: %v", kind, email, err)
	}
	link := pattern.FindString(body)
	if link == "" {
		t.Fatalf("no link in the %s mail:\n%s", kind, body)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if base, _ := url.Parse(s.URL); u.Host != base.Host {
		t.Errorf("link %s is not on the portal's address %s", link, s.URL)
	}
	return u.Path
}

var confirmLinkPattern = regexp.MustCompile(`https?://\S+/register/confirm/[A-Za-z0-9_-]+`)

// shownNotice checks a page shows the privacy notice in full: its version, a heading of its
// body, and the council's details filled in. It returns the notice id the form carries.
func shownNotice(t *testing.T, s *webtest.Server, doc *goquery.Document, version int) string {
	t.Helper()
	body := doc.Find("[data-notice-body]")
	if body.Find(`h2`).FilterFunction(func(_ int, h *goquery.Selection) bool { return strings.TrimSpace(h.Text()) == "What we collect" }).Length() != 1 {
		t.Errorf("the notice's heading \"What we collect\" is not shown; headings: %q", body.Find("h2").Text())
	}
	if !strings.Contains(body.Text(), s.Config.Council.DPOEmail) || !strings.Contains(body.Text(), s.Config.Council.Name) {
		t.Errorf("the notice does not give the council's details")
	}
	if got := doc.Find("[data-notice-version]").AttrOr("data-notice-version", ""); got != strconv.Itoa(version) {
		t.Errorf("notice version shown %q, want %d", got, version)
	}
	return doc.Find(`input[name="notice_id"]`).AttrOr("value", "")
}

// readRegistrationNotice takes a new visitor through step 1 and returns their client.
func readRegistrationNotice(t *testing.T, s *webtest.Server) *webtest.Client {
	t.Helper()
	c := s.NewClient(t)
	resp, doc := c.Get(t, "/register")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/register: status %d", resp.StatusCode)
	}
	id := shownNotice(t, s, doc, 1)
	resp, _ = c.Post(t, "/register", url.Values{"_csrf": {doc.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "notice_id": {id}})
	if loc := location(t, resp); loc.Path != "/register/account" {
		t.Fatalf("after the notice: sent to %s, want /register/account", loc)
	}
	return c
}

func registrationValues(email string) url.Values {
	return url.Values{"name": {"Robin Ash"}, "email": {email}, "organisation": {"Acorn Fostering Ltd"},
		"password": {webtest.Password}, "password_confirm": {webtest.Password}}
}

// TestRegistration walks the whole registration: the notice in full, the details, the
// confirmation email, no sign-in before confirming, and sign-in after.
func TestRegistration(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	ctx := t.Context()
	current, err := privacy.Current(ctx, s.DB, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	var beforeRead time.Time
	if err := s.DB.Get(&beforeRead, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
	c := readRegistrationNotice(t, s)
	var afterRead time.Time
	if err := s.DB.Get(&afterRead, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}

	resp, doc := c.Get(t, "/register/account")
	if resp.StatusCode != http.StatusOK || heading(doc) != "Your details" {
		t.Fatalf("details form: %d %q", resp.StatusCode, heading(doc))
	}
	if doc.Find(`a[href="/privacy-notice"][data-notice-link]`).Length() != 1 {
		t.Error("the details form does not link the privacy notice")
	}
	for _, id := range []string{"name", "email", "organisation", "password", "password_confirm"} {
		if doc.Find(`label[for="`+id+`"]`).Length() != 1 || doc.Find("input#"+id).Length() != 1 {
			t.Errorf("no labelled input %s", id)
		}
	}
	email := "robin@acorn.example"
	resp, doc = c.Submit(t, "/register/account", "/register/account", registrationValues(email))
	if resp.StatusCode != http.StatusOK || heading(doc) != "Check your email" || doc.Find("[data-email]").Text() != email {
		t.Fatalf("after registering: %d %q", resp.StatusCode, heading(doc))
	}

	u, err := auth.UserByEmail(ctx, s.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Has(auth.RoleProvider) || u.EmailConfirmedAt != nil {
		t.Errorf("new user: roles %v, confirmed %v", u.RoleNames, u.EmailConfirmedAt)
	}
	orgs, err := membership.Organisations(ctx, s.DB, u.ID)
	if err != nil || len(orgs) != 1 || orgs[0].Name != "Acorn Fostering Ltd" {
		t.Errorf("organisations %v, %v", orgs, err)
	}
	var ack struct {
		NoticeID string    `db:"notice_id"`
		At       time.Time `db:"acknowledged_at"`
	}
	if err := s.DB.Get(&ack, `SELECT notice_id, acknowledged_at FROM notice_acknowledgements WHERE user_id = $1`, u.ID); err != nil {
		t.Fatalf("no acknowledgement: %v", err)
	}
	if ack.NoticeID != current.ID || ack.At.Before(beforeRead) || ack.At.After(afterRead) {
		t.Errorf("acknowledged %s at %s; want %s, read between %s and %s", ack.NoticeID, ack.At, current.ID, beforeRead, afterRead)
	}
	link := linkFromMail(t, s, email, "email_confirmation", confirmLinkPattern)

	// Not before confirming: a clear message and a way to get a new link.
	signIn := s.NewClient(t)
	resp, doc = signIn.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {email}, "password": {webtest.Password}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(summaryLinks(doc)["#email"], "Confirm your email address") {
		t.Fatalf("sign in before confirming: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if doc.Find(`a[href="/register/resend"]`).Length() == 0 {
		t.Error("the refusal offers no way to get a new link")
	}

	resp, doc = s.NewClient(t).Get(t, link)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("h1").Text(), "Your email address is confirmed") {
		t.Fatalf("confirmation link: %d %q", resp.StatusCode, doc.Find("h1").Text())
	}
	if doc.Find(`a[href="/sign-in"]`).Length() == 0 {
		t.Error("the confirmation page does not ask them to sign in")
	}
	resp, _ = signIn.Submit(t, "/sign-in", "/sign-in", url.Values{"email": {email}, "password": {webtest.Password}, "next": {"/"}})
	if loc := location(t, resp); loc.Path != "/sign-in/email-code" {
		t.Fatalf("sign in after confirming: sent to %s, want the emailed code's page", loc)
	}
	code := s.EmailedCode(t, email)
	resp, _ = signIn.Submit(t, "/sign-in/email-code", "/sign-in/email-code", url.Values{"code": {code}, "next": {"/"}})
	if loc := location(t, resp); loc.Path != "/" {
		t.Fatalf("emailed code after confirming: sent to %s", loc)
	}
	resp, doc = signIn.Get(t, "/")
	if resp.StatusCode != http.StatusOK || doc.Find("[data-organisations] li").Text() != "Acorn Fostering Ltd" {
		t.Errorf("home after registering: %d, organisations %q", resp.StatusCode, doc.Find("[data-organisations] li").Text())
	}
	for _, action := range []string{"user.create", "organisation.registered", "privacy_notice.acknowledged", "user.email_confirmation.sent", "user.email_confirmed"} {
		if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = $1`, action); n != 1 {
			t.Errorf("%d %s audit events, want 1", n, action)
		}
	}

	// The link is used up: a second look only confirms the address is confirmed, and an
	// unknown link does not work.
	if resp, _ = s.NewClient(t).Get(t, link); resp.StatusCode != http.StatusOK {
		t.Errorf("used link again: %d", resp.StatusCode)
	}
	if resp, doc = s.NewClient(t).Get(t, "/register/confirm/"+auth.NewToken()); resp.StatusCode != http.StatusNotFound || heading(doc) != "This link does not work" {
		t.Errorf("unknown link: %d %q", resp.StatusCode, heading(doc))
	}
}

// TestRegistrationNeedsTheNotice: the details form cannot be reached or posted without
// reading the current notice in the same session.
func TestRegistrationNeedsTheNotice(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := s.NewClient(t)
	resp, _ := c.Get(t, "/register/account")
	if loc := location(t, resp); loc.Path != "/register" {
		t.Errorf("details form without the notice: sent to %s, want /register", loc)
	}
	resp, _ = c.Submit(t, "/register", "/register/account", registrationValues("robin@acorn.example"))
	if loc := location(t, resp); loc.Path != "/register" {
		t.Errorf("posting details without the notice: sent to %s, want /register", loc)
	}
	// An old or made-up notice id is not reading the current notice.
	resp, doc := c.Submit(t, "/register", "/register", url.Values{"notice_id": {"00000000-0000-4000-8000-000000000000"}})
	if resp.StatusCode != http.StatusConflict || doc.Find("[data-notice-changed]").Length() != 1 {
		t.Errorf("an old notice id: %d, want 409 with the current notice", resp.StatusCode)
	}
	shownNotice(t, s, doc, 1)
	if resp, _ = c.Get(t, "/register/account"); location(t, resp).Path != "/register" {
		t.Error("an old notice id opened the details form")
	}
	// Reading it in one session does not count for another.
	readRegistrationNotice(t, s)
	if resp, _ = c.Get(t, "/register/account"); location(t, resp).Path != "/register" {
		t.Error("another visitor's reading opened the details form")
	}
	if n := count(t, s, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("%d users made", n)
	}
}

// TestRegistrationRefusesBadInput: each bad value gets its field's message in the summary,
// the input is kept (never the passwords), and nothing is stored.
func TestRegistrationRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Oak Homes")
	s.CreateUser(t, "taken@acorn.example", []auth.Role{auth.RoleProvider}, org)
	c := readRegistrationNotice(t, s)
	tests := []struct {
		name  string
		set   map[string]string
		field string
		msg   string
	}{
		{"no name", map[string]string{"name": ""}, "name", "Enter your full name"},
		{"no organisation", map[string]string{"organisation": "  "}, "organisation", "Enter the name of your organisation"},
		{"malformed email", map[string]string{"email": "robin.acorn.example"}, "email", "Enter an email address in the correct format, like name@example.com"},
		{"short password", map[string]string{"password": "copper lantern", "password_confirm": "copper lantern"}, "password", auth.MsgPasswordTooShort(15)},
		{"common password", map[string]string{"password": "1qaz2wsx3edc4rfv", "password_confirm": "1qaz2wsx3edc4rfv"}, "password", auth.MsgPasswordCommon},
		{"different confirmation", map[string]string{"password_confirm": webtest.Password + "!"}, "password_confirm", auth.MsgPasswordMismatch},
		{"control character in the name", map[string]string{"name": "Robin\x00Ash"}, "name", "Full name contains characters that are not allowed"},
		{"name on two lines", map[string]string{"name": "Robin\nAsh"}, "name", "Full name must be on one line"},
		{"not UTF-8", map[string]string{"organisation": "Acorn \xff Ltd"}, "organisation", "Organisation name contains characters that cannot be read. Type it again rather than pasting it"},
		{"long organisation name", map[string]string{"organisation": strings.Repeat("Acorn ", 60)}, "organisation", "Organisation name must be 300 characters or fewer"},
		{"huge organisation name", map[string]string{"organisation": strings.Repeat("Acorn ", 2000)}, "organisation", ""},
		{"huge password", map[string]string{"password": strings.Repeat("x", 100000)}, "password", auth.MsgPasswordTooLong},
	}
	for _, tt := range tests {
		values := registrationValues("robin@acorn.example")
		for k, v := range tt.set {
			values.Set(k, v)
		}
		resp, doc := c.Submit(t, "/register/account", "/register/account", values)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tt.name, resp.StatusCode)
			continue
		}
		// msg "" is any message: the form decoder's own, for absurd input.
		got := summaryLinks(doc)["#"+tt.field]
		if got == "" || (tt.msg != "" && got != tt.msg) {
			t.Errorf("%s: summary for %s says %q, want %q (all: %v)", tt.name, tt.field, got, tt.msg, summaryLinks(doc))
		}
		if beside := strings.TrimSpace(doc.Find("#" + tt.field + "-error").Text()); got == "" || !strings.HasSuffix(beside, got) {
			t.Errorf("%s: message beside %s is %q", tt.name, tt.field, beside)
		}
		for _, kept := range []string{"name", "email", "organisation"} {
			if _, bad := tt.set[kept]; bad {
				continue
			}
			if got, _ := inputValue(doc, kept); got != values.Get(kept) {
				t.Errorf("%s: %s not kept: %q", tt.name, kept, got)
			}
		}
		for _, secret := range []string{"password", "password_confirm"} {
			if got, _ := inputValue(doc, secret); got != "" {
				t.Errorf("%s: %s shown again", tt.name, secret)
			}
		}
	}
	// Only what existed before: the taken account (whose acknowledgement the harness records).
	for table, want := range map[string]int{"users": 1, "organisations": 1, "notice_acknowledgements": 1, "outbox": 0} {
		if got := count(t, s, `SELECT count(*) FROM `+table); got != want {
			t.Errorf("%d rows in %s, want %d", got, table, want)
		}
	}
}

// TestRegistrationResend sends a new confirmation link to an unconfirmed account, at most
// one in five minutes, and says the same for any address.
func TestRegistrationResend(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	c := readRegistrationNotice(t, s)
	email := "robin@acorn.example"
	if resp, _ := c.Submit(t, "/register/account", "/register/account", registrationValues(email)); resp.StatusCode != http.StatusOK {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	mails := func() int {
		return count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'email_confirmation'`)
	}
	resend := func(address string) (int, *goquery.Document) {
		resp, doc := s.NewClient(t).Submit(t, "/register/resend", "/register/resend", url.Values{"email": {address}})
		return resp.StatusCode, doc
	}
	known, knownDoc := resend(email)
	unknown, unknownDoc := resend("nobody@acorn.example")
	if known != http.StatusOK || unknown != http.StatusOK || heading(knownDoc) != heading(unknownDoc) {
		t.Errorf("resend: known %d %q, unknown %d %q; want the same page", known, heading(knownDoc), unknown, heading(unknownDoc))
	}
	if n := mails(); n != 1 {
		t.Errorf("%d confirmation mails straight after registering, want 1", n)
	}
	if _, err := s.DB.Exec(`UPDATE one_time_tokens SET created_at = created_at - interval '6 minutes'`); err != nil {
		t.Fatal(err)
	}
	resend(email)
	if n := mails(); n != 2 {
		t.Errorf("%d confirmation mails five minutes on, want 2", n)
	}
	if status, doc := resend("not an address"); status != http.StatusUnprocessableEntity || summaryLinks(doc)["#email"] == "" {
		t.Errorf("malformed address: %d %v", status, summaryLinks(doc))
	}
	// The newest link confirms.
	if resp, _ := s.NewClient(t).Get(t, linkFromMail(t, s, email, "email_confirmation", confirmLinkPattern)); resp.StatusCode != http.StatusOK {
		t.Errorf("new link: %d", resp.StatusCode)
	}
	if u, err := auth.UserByEmail(t.Context(), s.DB, email); err != nil || u.EmailConfirmedAt == nil {
		t.Errorf("not confirmed by the new link: %v", err)
	}
}

// TestSignInPageOffersRegistration: the sign-in page links registration, not an email to
// the commissioning team.
func TestSignInPageOffersRegistration(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	_, doc := s.NewClient(t).Get(t, "/sign-in")
	if doc.Find(`a[href="/register"]`).Length() != 1 {
		t.Error("no link to register")
	}
	if resp, _ := s.NewClient(t).Get(t, "/register/resend"); resp.StatusCode != http.StatusOK {
		t.Errorf("resend page: %d", resp.StatusCode)
	}
}

// TestRegistrationDoesNotSayWhoHasAnAccount: the form answers a registered address exactly
// as it answers a new one ("Check your email"), and the account holder is emailed instead.
func TestRegistrationDoesNotSayWhoHasAnAccount(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	org := s.NewOrganisation(t, "Oak Homes")
	s.CreateUser(t, "taken@acorn.example", []auth.Role{auth.RoleProvider}, org)
	pages := map[string]string{}
	for _, email := range []string{"TAKEN@acorn.example", "robin@acorn.example"} {
		c := readRegistrationNotice(t, s)
		resp, doc := c.Submit(t, "/register/account", "/register/account", registrationValues(email))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", email, resp.StatusCode)
		}
		pages[email] = strings.ReplaceAll(strings.Join(strings.Fields(doc.Find("main").Text()), " "), email, "ADDRESS")
	}
	if pages["TAKEN@acorn.example"] != pages["robin@acorn.example"] {
		t.Errorf("the pages differ:\ntaken: %s\nnew:   %s", pages["TAKEN@acorn.example"], pages["robin@acorn.example"])
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE to_address = 'taken@acorn.example' AND kind = 'registration_existing'`); n != 1 {
		t.Errorf("%d emails to the account holder, want 1", n)
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE email = 'taken@acorn.example'`); n != 1 {
		t.Errorf("%d accounts for the taken address", n)
	}
}
