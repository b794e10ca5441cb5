package contract_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
)

var testBuyer = contract.Buyer{Name: "Test Borough Council", AddressLines: []string{"County Hall", "Exampleton", "EX1 1AA"},
	Email: "commissioning@example.gov.uk"}

func releaseURL(id string) string {
	return "https://portal.example.gov.uk/open-data/ocds/releases/" + id + "#" + id
}

// release builds the contract's current release.
func (w *world) release(t *testing.T, id string) contract.Release {
	t.Helper()
	c, err := w.svc.Contract(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := w.svc.Releases(context.Background(), []contract.Contract{*c}, testBuyer)
	if err != nil {
		t.Fatal(err)
	}
	return rels[0]
}

// A release's id follows its content: rebuilt unchanged it keeps its id; a contract that
// ended with the calendar (nothing stored changed) gets a new one. The record lists both,
// oldest first, and compiles the latest; every package validates.
func TestReleaseIDFollowsContent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	first := w.release(t, w.contract.ID)
	if again := w.release(t, w.contract.ID); again.ID != first.ID {
		t.Errorf("an unchanged release changed id: %s then %s", first.ID, again.ID)
	}
	if !strings.HasPrefix(first.ID, first.OCID+"-") || len(first.ID) != len(first.OCID)+17 {
		t.Errorf("release id %q, want the ocid and 16 hex digits", first.ID)
	}
	published, total, err := w.svc.PublishedReleases(ctx, testBuyer, 10, 0)
	if err != nil || total != 1 || published[0].ID != first.ID {
		t.Fatalf("published %v (%d): %v", published, total, err)
	}

	w.today = time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC) // past the end (31 December 2026)
	ended := w.release(t, w.contract.ID)
	if ended.Contracts[0].Status != "terminated" || ended.ID == first.ID {
		t.Fatalf("after the end: status %q id %s (was %s)", ended.Contracts[0].Status, ended.ID, first.ID)
	}
	if _, _, err := w.svc.PublishedReleases(ctx, testBuyer, 10, 0); err != nil {
		t.Fatal(err)
	}
	rec, err := w.svc.PublishedRecord(ctx, first.OCID, testBuyer, releaseURL)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Releases) != 2 || rec.Releases[0].URL != releaseURL(first.ID) || rec.Releases[1].URL != releaseURL(ended.ID) {
		t.Fatalf("record releases %+v, want %s then %s", rec.Releases, first.ID, ended.ID)
	}
	if rec.Releases[1].Date <= rec.Releases[0].Date {
		t.Errorf("the later release is dated %s, not after %s", rec.Releases[1].Date, rec.Releases[0].Date)
	}
	if c := rec.CompiledRelease; c.Contracts[0].Status != "terminated" || !slices.Equal(c.Tag, []string{"compiled"}) {
		t.Errorf("compiled release: status %q tag %v", c.Contracts[0].Status, c.Tag)
	}
	// Asking again publishes nothing new.
	if again, err := w.svc.PublishedRecord(ctx, first.OCID, testBuyer, releaseURL); err != nil || len(again.Releases) != 2 {
		t.Errorf("record asked again: %d releases, %v", len(again.Releases), err)
	}
	data, err := json.Marshal(contract.NewRecordPackage("https://portal.example.gov.uk/open-data/ocds/records/"+first.OCID, testBuyer,
		contract.Settings{License: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}, []contract.Record{rec}, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	validatePackage(t, ocdsSchema(t, "record-package-schema.json"), data)
	if strings.Contains(string(data), "versionedRelease") {
		t.Error("the record has a versionedRelease, which the test schema does not check")
	}
	old, err := w.svc.PublishedRelease(ctx, first.ID)
	if err != nil || old.Contracts[0].Status != "active" {
		t.Fatalf("the first release as published: %v", err)
	}
	data, _ = json.Marshal(contract.NewPackage(releaseURL(first.ID), testBuyer, contract.Settings{}, []contract.Release{old}, time.Now()))
	validatePackage(t, packageSchema(t), data)
	if _, err := w.svc.PublishedRelease(ctx, first.OCID+"-0000000000000000"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("an unknown release: %v", err)
	}
}

// durationInDays is the difference of the dates: a contract from 1 January to 31 December
// 2025 lasts 364 days.
func TestDurationInDays(t *testing.T) {
	c := &contract.Contract{ID: "2b7c8f9e-1111-4222-8333-444455556666", Reference: "CYP-1", Title: "Placements", Stored: contract.StatusActive,
		Status: contract.StatusActive, StartDate: day(2025, 1, 1), EndDate: day(2025, 12, 31), TotalValuePence: 100, UpdatedAt: time.Now()}
	rel := contract.BuildRelease(contract.ReleaseInput{Contract: c, Supplier: contract.Party{ID: "GB-COH-01234567", Name: "Acorn",
		Roles: []string{"supplier"}}, Buyer: contract.Buyer{Name: "Council"}, Settings: contract.Settings{OCIDPrefix: "ocds-xxxxxx"}})
	if got := rel.Contracts[0].Period.DurationInDays; got != 364 {
		t.Errorf("durationInDays %d, want 364", got)
	}
	if got := rel.Awards[0].ContractPeriod.DurationInDays; got != 364 {
		t.Errorf("the award's durationInDays %d, want 364", got)
	}
}

// A milestone is met only when the value reaches the target: 92 against a target of 95 is
// green (amber starts below 90) but only partly met.
func TestMilestoneMetOnlyWhenTargetMet(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rs := w.returns()
	for i, v := range []string{"92", "95"} {
		if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, rs[i].ID, rs[i].Version, contract.ReturnForm{Value: v}, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.AcceptReturn(w.officer.ctx, rs[i].ID, rs[i].Version+1); err != nil {
			t.Fatal(err)
		}
	}
	ms := w.release(t, w.contract.ID).Contracts[0].Implementation.Milestones
	if ms[0].Status != "partiallyMet" || ms[0].DateMet != "" {
		t.Errorf("92 against 95: %q (met %q), want partiallyMet", ms[0].Status, ms[0].DateMet)
	}
	if ms[1].Status != "met" || ms[1].DateMet == "" {
		t.Errorf("95 against 95: %q (met %q), want met with a date", ms[1].Status, ms[1].DateMet)
	}
}

// Grants are not published as contracts, nor are drafts; their documents are not public.
func TestOnlyPublishedContractsArePublished(t *testing.T) {
	t.Parallel()
	w, grant := ocdsWorld(t)
	ctx := context.Background()
	f := contractForm("CYP-2025-050", w.org, w.officer, day(2025, 4, 1), day(2026, 3, 31))
	f.Status = "draft"
	draft, err := w.svc.CreateContract(w.officer.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	releases, total, err := w.svc.PublishedReleases(ctx, testBuyer, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(releases) != 1 || releases[0].OCID != "ocds-xxxxxx-"+w.contract.ID {
		t.Errorf("published %d: %+v, want only the framework contract", total, releases)
	}
	for what, id := range map[string]string{"a grant": grant.ID, "a draft": draft.ID} {
		if _, err := w.svc.PublishedRecord(ctx, "ocds-xxxxxx-"+id, testBuyer, releaseURL); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("the record of %s: %v", what, err)
		}
	}
	for _, ocid := range []string{"ocds-other1-" + w.contract.ID, "ocds-xxxxxx-nonsense", ""} {
		if _, err := w.svc.PublishedRecord(ctx, ocid, testBuyer, releaseURL); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("the record of %q: %v", ocid, err)
		}
	}
	if err := w.svc.AddDocument(w.officer.ctx, grant.ID, contract.DocumentForm{Title: "Grant letter", DocumentType: "contractSigned", Public: true},
		&contract.Upload{Filename: "grant.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	docs, err := contract.Documents(ctx, w.db, grant.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := contract.PublicDocument(ctx, w.db, docs[0].DocumentID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a public document of a grant is published: %v", err)
	}
}

// Only documents marked public are linked, and only they are downloadable as open data.
func TestOnlyPublicDocumentsArePublished(t *testing.T) {
	t.Parallel()
	w, _ := ocdsWorld(t)
	ctx := context.Background()
	docs, err := contract.Documents(ctx, w.db, w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	var public, private string
	for _, d := range docs {
		if d.Public {
			public = d.DocumentID
		} else {
			private = d.DocumentID
		}
	}
	if public == "" || private == "" {
		t.Fatalf("documents %+v: want one public and one not", docs)
	}
	oc := w.release(t, w.contract.ID).Contracts[0]
	if len(oc.Documents) != 1 || oc.Documents[0].ID != public || oc.Documents[0].Title != "Signed contract" {
		t.Errorf("published documents %+v, want only the signed contract", oc.Documents)
	}
	if err := contract.PublicDocument(ctx, w.db, public); err != nil {
		t.Errorf("the public document: %v", err)
	}
	for _, id := range []string{private, "not-a-uuid", "2b7c8f9e-1111-4222-8333-444455556666"} {
		if err := contract.PublicDocument(ctx, w.db, id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("document %s: %v, want not found", id, err)
		}
	}
}

// The open data has no personal data: no names, emails or telephone numbers of the
// providers' contacts or of staff, and no email but the council's role mailbox.
func TestOpenDataHasNoPersonalData(t *testing.T) {
	t.Parallel()
	w, _ := ocdsWorld(t)
	ctx := context.Background()
	releases, _, err := w.svc.PublishedReleases(ctx, testBuyer, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.svc.PublishedRecord(ctx, releases[0].OCID, testBuyer, releaseURL)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal([]any{releases, rec})
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, personal := range []string{"Kim Key", "kim@", "07700 900982", "Olive Officer", "olive@council.example", "Pat Acorn",
		"@provider.example", "Director"} {
		if strings.Contains(text, personal) {
			t.Errorf("the open data holds %q", personal)
		}
	}
	for _, email := range regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`).FindAllString(text, -1) {
		if email != testBuyer.Email {
			t.Errorf("the open data holds the email %q", email)
		}
	}
	if phone := regexp.MustCompile(`\b0\d{3,4} ?\d{3} ?\d{3,4}\b`).FindString(text); phone != "" {
		t.Errorf("the open data holds the telephone number %q", phone)
	}
	if !strings.Contains(text, "Test Borough Council") || !strings.Contains(text, "GB-COH-01234567") {
		t.Error("the scan read something other than the open data")
	}
}

// The configuration's publishing settings take the place of the stored ones, and the
// packages carry its licence and publication policy.
func TestPublishingFromConfiguration(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.svc.Publishing = contract.Publishing{OCIDPrefix: "ocds-b5fd17", BuyerIdentifier: "GB-LAE-EXA",
		License: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", PublicationPolicy: "https://council.example.gov.uk/open-data"}
	ctx := context.Background()
	s, err := w.svc.OCDSSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	releases, _, err := w.svc.PublishedReleases(ctx, testBuyer, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg := contract.NewPackage("https://portal.example.gov.uk/open-data/ocds/releases?page=1", testBuyer, s, releases, time.Now())
	data, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	validatePackage(t, packageSchema(t), data)
	r := releases[0]
	buyer := r.Parties[0]
	if r.OCID != "ocds-b5fd17-"+w.contract.ID || buyer.ID != "GB-LAE-EXA" || buyer.Identifier.Scheme != "GB-LAE" || buyer.Identifier.ID != "EXA" {
		t.Errorf("ocid %s buyer %+v", r.OCID, buyer)
	}
	if pkg.License != w.svc.Publishing.License || pkg.PublicationPolicy != w.svc.Publishing.PublicationPolicy ||
		pkg.Publisher.Scheme != "GB-LAE" || pkg.Publisher.UID != "EXA" {
		t.Errorf("package %+v", pkg)
	}
}
