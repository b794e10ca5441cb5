package browsertest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/webtest"
)

// rcRecord is a provider record under review, made through the record's own service: its
// organisation and contacts sections saved by its provider user, then submitted.
type rcRecord struct {
	orgID             string
	user, officer     *webtest.TestUser
	asUser, asOfficer context.Context
}

func rcSubmittedRecord(t *testing.T, s *webtest.Server) *rcRecord {
	t.Helper()
	r := &rcRecord{orgID: s.NewOrganisation(t, "Acorn Care Ltd")}
	r.user = s.CreateUser(t, "pat@acorn.example", []auth.Role{auth.RoleProvider}, r.orgID)
	r.officer = s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	r.asUser = audit.WithActor(context.Background(), audit.Actor{UserID: r.user.ID, Email: r.user.Email, Roles: []string{"provider"}})
	r.asOfficer = audit.WithActor(context.Background(), audit.Actor{UserID: r.officer.ID, Email: r.officer.Email, Roles: []string{"officer"}})
	rcSave(t, s, r, provider.SectionOrganisation, &provider.OrganisationAnswers{LegalName: "Acorn Care Ltd", LegalForm: "company",
		CompaniesHouseNumber: "01234567", StartDate: form.DateInput{Day: "1", Month: "4", Year: "2010"}, OperationType: "sme",
		ServiceCategories: []string{"childrens_homes"}})
	rcSave(t, s, r, provider.SectionContacts, &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director",
		KeyContactEmail: "kim@acorn.example", KeyContactPhone: "01632 960001"})
	rcSetStatus(t, s, r.orgID, provider.StatusSubmitted)
	return r
}

func rcSave(t *testing.T, s *webtest.Server, r *rcRecord, key provider.SectionKey, a provider.Answers) {
	t.Helper()
	def, _ := provider.SectionByKey(string(key))
	version := 0
	if rec, err := provider.SectionRecordByKey(context.Background(), s.DB, r.orgID, key); err == nil {
		version = rec.Version
	}
	if err := s.Providers.SaveSection(r.asUser, r.orgID, def, a, version); err != nil {
		t.Fatalf("save %s: %v", key, err)
	}
}

// rcSetStatus moves the record as a submission would (the service's Submit needs all ten
// sections), closing the comments the submission answers.
func rcSetStatus(t *testing.T, s *webtest.Server, orgID string, st provider.Status) {
	t.Helper()
	if _, err := s.DB.Exec(`UPDATE organisations SET status = $2, submitted_at = now(), version = version + 1 WHERE id = $1`, orgID, string(st)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(`UPDATE provider_section_comments SET resolved_at = (SELECT submitted_at FROM organisations WHERE id = $1)
		WHERE organisation_id = $1 AND resolved_at IS NULL`, orgID); err != nil {
		t.Fatal(err)
	}
}

func rcRequestChanges(t *testing.T, s *webtest.Server, r *rcRecord, comment string) {
	t.Helper()
	org, err := provider.OrganisationByID(context.Background(), s.DB, r.orgID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Providers.RequestChanges(r.asOfficer, r.orgID, org.Version, map[provider.SectionKey]string{provider.SectionContacts: comment}); err != nil {
		t.Fatal(err)
	}
}

// TestReviewShowsWhatChangedInTheBrowser: after a resubmission the officer's page shows,
// on the contacts card, the one answer that changed, with what it was and what it is now,
// tagged in words; the page passes axe.
func TestReviewShowsWhatChangedInTheBrowser(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	r := rcSubmittedRecord(t, s)
	rcRequestChanges(t, s, r, "Give a direct email for the key contact.")
	rcSave(t, s, r, provider.SectionContacts, &provider.ContactsAnswers{KeyContactName: "Kim Key", KeyContactRole: "Director",
		KeyContactEmail: "kim.direct@acorn.example", KeyContactPhone: "01632 960001"})
	rcSetStatus(t, s, r.orgID, provider.StatusResubmitted)

	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, r.officer)
	cjOpen(t, tab, s.URL+"/review/providers/"+r.orgID)
	if n := browsertest.Count(t, tab, `[data-section="contacts"] [data-changes-list] [data-change]`); n != 1 {
		t.Fatalf("%d changes shown on the contacts card, want 1", n)
	}
	row := browsertest.Text(t, tab, `[data-section="contacts"] [data-change="Changed"]`)
	for _, want := range []string{"Key contact email", "Changed", "Was: kim@acorn.example", "Now: kim.direct@acorn.example"} {
		if !strings.Contains(row, want) {
			t.Errorf("the change reads %q, want it to contain %q", row, want)
		}
	}
	if got := browsertest.Text(t, tab, `[data-section="organisation"] [data-no-changes]`); got != "No changes since the last decision." {
		t.Errorf("an unchanged section says %q", got)
	}
	browsertest.AssertAccessible(t, tab)
}

// TestReviewAcceptsASectionInTheBrowser: the officer presses "Accept section" on one card
// and comes back to the record with that section tagged accepted, and the others not.
func TestReviewAcceptsASectionInTheBrowser(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	r := rcSubmittedRecord(t, s)
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, r.officer)
	cjOpen(t, tab, s.URL+"/review/providers/"+r.orgID)
	cjPress(t, tab, `button[data-accept-section="contacts"]`, http.StatusOK, "/review/providers/"+r.orgID)
	if got := browsertest.Text(t, tab, `[data-section="contacts"] [data-accepted]`); got != "Accepted" {
		t.Errorf("contacts tag %q", got)
	}
	if n := browsertest.Count(t, tab, `[data-section="organisation"] [data-accepted]`); n != 0 {
		t.Error("a section not accepted shows as accepted")
	}
	if n := browsertest.Count(t, tab, `[data-accept-section="contacts"]`); n != 0 {
		t.Error("the accepted section still offers to accept it")
	}
	browsertest.AssertAccessible(t, tab)
}

// TestReviewDecisionsAreConfirmedWithoutJavaScript: with scripts off, pressing Reject (with
// a reason) and then Approve each lead to a page saying what will happen, which changes
// nothing until its button is pressed; going back leaves the record as it was. The
// confirmation page passes axe.
func TestReviewDecisionsAreConfirmedWithoutJavaScript(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	r := rcSubmittedRecord(t, s)
	tab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, tab, s.URL, r.officer)
	browsertest.DisableJavaScript(t, tab)
	status := func() provider.Status {
		org, err := provider.OrganisationByID(context.Background(), s.DB, r.orgID)
		if err != nil {
			t.Fatal(err)
		}
		return org.Status
	}

	cjOpen(t, tab, s.URL+"/review/providers/"+r.orgID)
	browsertest.Fill(t, tab, map[string]string{"reason": "We do not buy this service."})
	cjPress(t, tab, `button[name="decision"][value="reject"]`, http.StatusOK, "/review/providers/"+r.orgID+"/decision")
	if got := browsertest.Text(t, tab, "h1"); got != "Reject Acorn Care Ltd?" {
		t.Errorf("confirmation heading %q", got)
	}
	if got := browsertest.Text(t, tab, "[data-confirm-reason]"); got != "We do not buy this service." {
		t.Errorf("the reason shown %q", got)
	}
	if st := status(); st != provider.StatusSubmitted {
		t.Fatalf("the record is %s before the rejection was confirmed", st)
	}
	browsertest.AssertAccessible(t, tab)
	cjPress(t, tab, "[data-cancel]", http.StatusOK, "/review/providers/"+r.orgID)
	if st := status(); st != provider.StatusSubmitted {
		t.Fatalf("going back left the record %s", st)
	}

	cjPress(t, tab, `button[name="decision"][value="approve"]`, http.StatusOK, "/review/providers/"+r.orgID+"/decision")
	if got := browsertest.Text(t, tab, "[data-consequences]"); !strings.Contains(got, "2 sections not accepted one by one are accepted with the record") {
		t.Errorf("the approval's confirmation says %q", got)
	}
	if st := status(); st != provider.StatusSubmitted {
		t.Fatalf("the record is %s before the approval was confirmed", st)
	}
	cjPress(t, tab, "button[data-confirm]", http.StatusOK, "/review")
	if st := status(); st != provider.StatusApproved {
		t.Errorf("after confirming, the record is %s", st)
	}
}

// TestProviderRepliesToACommentInTheBrowser: the provider replies to the officer's comment
// from the task list; once the record is back, the officer sees the reply under the
// comment on the section's card. The reply page passes axe.
func TestProviderRepliesToACommentInTheBrowser(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	r := rcSubmittedRecord(t, s)
	rcRequestChanges(t, s, r, "Is Kim still the key contact?")

	providerTab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, providerTab, s.URL, r.user)
	cjOpen(t, providerTab, s.URL+"/provider")
	got := browsertest.Click(t, providerTab, "[data-reply-link]")
	if got != http.StatusOK || !strings.HasPrefix(browsertest.Location(t, providerTab).Path, "/provider/comments/") {
		t.Fatalf("the reply link: status %d on %s", got, browsertest.Location(t, providerTab))
	}
	browsertest.AssertAccessible(t, providerTab)
	browsertest.Fill(t, providerTab, map[string]string{"reply": "Yes, Kim is still our key contact."})
	cjPress(t, providerTab, "form[data-reply-form] button[type=submit]", http.StatusOK, "/provider")
	if got := browsertest.Text(t, providerTab, "[data-comment-thread] [data-reply]"); !strings.Contains(got, "Yes, Kim is still our key contact.") {
		t.Errorf("the task list shows the reply as %q", got)
	}

	rcSetStatus(t, s, r.orgID, provider.StatusResubmitted)
	officerTab := browsertest.NewTab(t, browser)
	browsertest.SignIn(t, officerTab, s.URL, r.officer)
	cjOpen(t, officerTab, s.URL+"/review/providers/"+r.orgID)
	if got := browsertest.Text(t, officerTab, `[data-section="contacts"] [data-comment] [data-reply]`); !strings.Contains(got, "Yes, Kim is still our key contact.") ||
		!strings.Contains(got, "Reply from") {
		t.Errorf("the officer sees the reply as %q", got)
	}
}
