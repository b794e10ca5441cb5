package subject_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/privacy/subject"
)

// TestSubjectApplyDecisions: nothing is exported before every record has a decision;
// choices that make no sense are refused beside the record; once decided, the export's
// findings hold only what was included, with redacted details replaced, including who
// acted in audit events done by someone else, and the counts of what was withheld.
func TestSubjectApplyDecisions(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Email: "dee@council.example", Roles: []string{"dpo"}})
	r := register(t, p.DB, subject.Registration{Name: patName, Email: patEmail, IdentityMethod: "known_email", ReceivedOn: day("2026-01-05")})
	f := search(t, p, subject.Criteria{Email: patEmail, Name: patName, Phone: patPhone})
	hits := f.Hits()
	if _, _, err := subject.Apply(f, nil); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "have no decision yet") {
		t.Fatalf("export with no decisions: %v", err)
	}

	var choices []subject.Choice
	byCategory := map[string][]int{}
	for i, h := range hits {
		byCategory[h.Category] = append(byCategory[h.Category], i)
		ch := subject.Choice{HitKey: h.Key, Decision: subject.Include}
		switch {
		case h.Category == "audit_events":
			ch.Redact = []string{"actor_others"}
		case h.Category == "emails_sent" && strings.Contains(h.Title, "Reset your password"):
			ch.Redact = []string{"body"}
		case h.Category == "provider_contacts" && strings.Contains(h.Title, "Birchwood"):
			// Pat as Birchwood's consultant: the handler judges it is not about Pat.
			ch.Decision = subject.NotPersonalData
		}
		choices = append(choices, ch)
	}
	if len(byCategory["audit_events"]) != 1 || len(byCategory["provider_contacts"]) != 2 {
		t.Fatalf("hits by category: %v", byCategory)
	}

	// Refused choices: a redaction in a record left out, a detail that cannot be redacted,
	// a record the search does not find.
	bad := append([]subject.Choice(nil), choices...)
	dbs := byCategory["dbs_records"][0]
	bad[dbs].Redact = []string{"certificate"}
	bad[byCategory["user_accounts"][0]] = subject.Choice{HitKey: hits[byCategory["user_accounts"][0]].Key, Decision: subject.OtherPerson, Redact: []string{"name"}}
	_, err := subject.Decide(ctx, p.DB, r.ID, f, bad, dpo)
	if fields := apperr.FieldsOf(err); len(fields) != 2 {
		t.Errorf("refused choices: %v", err)
	}
	if _, err := subject.Decide(ctx, p.DB, r.ID, f, []subject.Choice{{HitKey: "documents/not-found", Decision: subject.Include}}, dpo); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("a record the search does not find: %v", err)
	}

	changed, err := subject.Decide(ctx, p.DB, r.ID, f, choices, dpo)
	if err != nil || changed != len(hits) {
		t.Fatalf("decide: %d changed, %v", changed, err)
	}
	decided, err := subject.Decisions(ctx, p.DB, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	out, withheld, err := subject.Apply(f, decided)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contacts) != 1 || out.Contacts[0].Organisation != "Acorn Fostering Ltd" || withheld.LeftOut[subject.NotPersonalData] != 1 {
		t.Errorf("contacts exported %+v, withheld %+v", out.Contacts, withheld)
	}
	if len(f.Contacts) != 2 {
		t.Error("applying the decisions changed the search's own findings")
	}
	for _, e := range out.Events {
		switch e.Relation {
		case "by them":
			if e.ActorEmail != patEmail && !strings.EqualFold(e.ActorEmail, patEmail) {
				t.Errorf("an event Pat did shows actor %q", e.ActorEmail)
			}
		default:
			if e.ActorEmail != subject.Redacted || e.IP != subject.Redacted {
				t.Errorf("an event someone else did shows %q from %q", e.ActorEmail, e.IP)
			}
		}
	}
	for _, e := range out.Emails {
		if (e.Subject == "Reset your password") != (e.Body == subject.Redacted) {
			t.Errorf("email %q has body %q", e.Subject, e.Body)
		}
	}
	if withheld.Redacted["Who acted"] != 1 || withheld.Redacted["Message"] != 1 {
		t.Errorf("redactions counted as %v", withheld.Redacted)
	}
	b, _ := json.Marshal(out)
	if strings.Contains(string(b), "admin@council.example") {
		t.Error("the export names the administrator who acted on Pat's account")
	}
	if lines := withheld.Lines(); len(lines) != 2 || lines[0] != "1 record left out: not your personal data" {
		t.Errorf("summary lines %q", lines)
	}
}
