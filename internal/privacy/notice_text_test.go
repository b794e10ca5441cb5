package privacy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	portal "github.com/council/provider-portal"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/dbtest"
	"github.com/council/provider-portal/internal/privacy"
)

// noticeSections renders a notice and maps each h2 heading to the text that follows it,
// up to the next heading; "" holds the text before the first.
func noticeSections(t *testing.T, n *privacy.Notice, c config.Council, retention string) map[string]string {
	t.Helper()
	html, err := n.HTML(c, retention)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(html)))
	if err != nil {
		t.Fatal(err)
	}
	out, heading := map[string]string{}, ""
	doc.Find("body").Children().Each(func(_ int, s *goquery.Selection) {
		if goquery.NodeName(s) == "h2" {
			heading = strings.TrimSpace(s.Text())
			return
		}
		out[heading] += " " + strings.Join(strings.Fields(s.Text()), " ")
	})
	return out
}

// TestFirstNoticeNamesWhatThePortalDoes: the notice a fresh install starts with names what
// the portal does: each lawful basis by article, the DBS as a source, auditors and the mail
// processor as recipients, the publication of contract data without personal data, the
// NFI's basis, the procurement law by date, and the council's identity; and its retention
// section is the one passed in, from the rules.
func TestFirstNoticeNamesWhatThePortalDoes(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	n, err := privacy.Current(context.Background(), d, privacy.AudienceProvider)
	if err != nil {
		t.Fatal(err)
	}
	council := config.Council{Name: "Northamptonshire County Council", ICORegistration: "Z7589390", DPOEmail: "dpo@northamptonshire.gov.uk",
		Address: "One Angel Square|Northampton|NN1 1ED", Phone: "01604 368 360"}
	sections := noticeSections(t, n, council, "Rules:\n\n- **Contract records**: kept for 9 years after the contract ends, then deleted.")
	wants := map[string][]string{
		"":                     {"Northamptonshire County Council is the data controller", "registration number Z7589390"},
		"What we collect":      {"user account", "records of signing in", "IP address", "the emails the portal sends you", "an audit trail of who did what"},
		"Where we get it from": {"the Disclosure and Barring Service (DBS)", "DBS Update Service"},
		"Our lawful basis": {
			"public tasks (UK GDPR article 6(1)(e))",
			"by law (UK GDPR article 6(1)(c))",
			"if you are a sole trader, we need it to make and carry out a contract with you (UK GDPR article 6(1)(b))",
			"Data Protection Act 2018, section 10(5) and schedule 1, part 2, paragraph 18",
			"procured on or after 24 February 2025 are governed by the Procurement Act 2023",
			"procured before then are governed by the Public Contracts Regulations 2015",
		},
		"What we publish": {"Open Contracting Data Standard", "We leave out personal data", "never publish the names, email addresses or phone numbers of your staff"},
		"Who we share it with": {
			"internal auditors and our external auditors",
			"the company that sends the portal's emails for us",
			"The portal discloses trade creditor standing data",
			"to the Cabinet Office for the NFI under Part 6 of the Local Audit and Accountability Act 2014",
			"The payment history comes from the council's finance system",
		},
		"How long we keep it": {"Contract records: kept for 9 years after the contract ends, then deleted."},
		"Contact us":          {"dpo@northamptonshire.gov.uk", "One Angel Square", "01604 368 360"},
	}
	for heading, phrases := range wants {
		text, ok := sections[heading]
		if !ok {
			t.Errorf("the notice has no section %q (sections: %v)", heading, keys(sections))
			continue
		}
		for _, p := range phrases {
			if !strings.Contains(text, p) {
				t.Errorf("section %q does not say %q:\n%s", heading, p, text)
			}
		}
	}
	all := strings.Join(valuesOf(sections), " ")
	for _, never := range []string{"{", "}", "Audit Commission Act", "Example County Council"} {
		if strings.Contains(all, never) {
			t.Errorf("the notice says %q", never)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func valuesOf(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// migration reads an embedded migration file.
func migration(t *testing.T, name string) string {
	t.Helper()
	b, err := portal.Migrations.ReadFile("migrations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// between is the text of s from after start to the next end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %q", start)
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		t.Fatalf("no %q after %q", end, start)
	}
	return s[:j]
}

// TestFirstNoticeAndItsDraftForInstallsInUseMatch: a fresh install loads the notice in
// 00007; an install in use gets the same text as a draft from 00040. The two copies must
// not drift apart.
func TestFirstNoticeAndItsDraftForInstallsInUseMatch(t *testing.T) {
	first := strings.TrimSpace(between(t, migration(t, "00007_privacy_notices.sql"), "$notice$", "$notice$"))
	draft := strings.TrimSpace(between(t, migration(t, "00040_notice_from_retention_rules.sql"), "$notice$", "$notice$"))
	if first != draft || !strings.Contains(first, privacy.RetentionPlaceholder) {
		t.Error("the first notice (00007) and the draft for installs in use (00040) differ, or have no retention placeholder")
	}
}

// TestNoticeMigrationNeverRewritesAPublishedVersion runs 00040's notice step on an install
// in use (its published notice predates the retention placeholder): it adds the new text as
// a draft and leaves the published version as it was; run again, it adds nothing; and an
// officer's own draft is never replaced. On a fresh install it adds nothing.
func TestNoticeMigrationNeverRewritesAPublishedVersion(t *testing.T) {
	t.Parallel()
	step := between(t, migration(t, "00040_notice_from_retention_rules.sql"), "-- +goose StatementBegin\n", "-- +goose StatementEnd")
	ctx := context.Background()
	count := func(q string, d interface {
		GetContext(context.Context, any, string, ...any) error
	}) int {
		t.Helper()
		var n int
		if err := d.GetContext(ctx, &n, q); err != nil {
			t.Fatal(err)
		}
		return n
	}

	fresh := dbtest.New(t)
	if _, err := fresh.ExecContext(ctx, step); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM privacy_notices`, fresh); n != 1 {
		t.Errorf("a fresh install has %d notices after the step, want its first one only", n)
	}

	inUse := dbtest.New(t)
	const old = "## What we collect\n\nThe old text people acknowledged."
	if _, err := inUse.ExecContext(ctx, `UPDATE privacy_notices SET body_markdown = $1`, old); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := inUse.ExecContext(ctx, step); err != nil {
			t.Fatal(err)
		}
	}
	current, err := privacy.Current(ctx, inUse, privacy.AudienceProvider)
	if err != nil || current.Version != 1 || current.BodyMarkdown != old {
		t.Errorf("the published version was changed: %+v %v", current, err)
	}
	draft, err := privacy.CurrentDraft(ctx, inUse, privacy.AudienceProvider)
	if err != nil || !strings.Contains(draft.BodyMarkdown, privacy.RetentionPlaceholder) || draft.Version != 0 {
		t.Fatalf("no draft with the new text: %+v %v", draft, err)
	}
	if n := count(`SELECT count(*) FROM privacy_notices`, inUse); n != 2 {
		t.Errorf("%d notices after running the step twice, want the published one and one draft", n)
	}

	const own = "The officer's own draft."
	if _, err := inUse.ExecContext(ctx, `UPDATE privacy_notices SET body_markdown = $1 WHERE status = 'draft'`, own); err != nil {
		t.Fatal(err)
	}
	if _, err := inUse.ExecContext(ctx, step); err != nil {
		t.Fatal(err)
	}
	if draft, err := privacy.CurrentDraft(ctx, inUse, privacy.AudienceProvider); err != nil || draft.BodyMarkdown != own {
		t.Errorf("the officer's own draft was replaced: %+v %v", draft, err)
	}
}
