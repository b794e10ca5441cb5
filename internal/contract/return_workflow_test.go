package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
)

// outboxTo lists the subjects of the mail queued to an address.
func (f *fixture) outboxTo(addr string) []string {
	f.t.Helper()
	var out []string
	if err := f.db.Select(&out, `SELECT subject FROM outbox WHERE to_address = $1 ORDER BY created_at`, addr); err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestReturnQueryAnswerAccept(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := w.returns()[4] // May 2025: ended 31 May, due 15 June, so overdue on 20 June
	if !r.Overdue() || r.StatusLabel() != "Overdue" {
		t.Fatalf("May's return on 20 June: overdue %v, label %q", r.Overdue(), r.StatusLabel())
	}
	ctx := w.org.User.ctx

	// Amber needs commentary; the evidence must be a real file.
	err := w.svc.SubmitReturn(ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "85"}, &contract.Upload{Filename: "x.pdf", Content: []byte("MZ")})
	fields := apperr.FieldsOf(err)
	if !strings.Contains(fields["commentary"], "below the target of 95%") || fields["evidence"] == "" {
		t.Fatalf("an amber value without commentary and a bad file: %v", err)
	}
	f := contract.ReturnForm{Value: "85", Commentary: "Two placements ended in an emergency move."}
	if err := w.svc.SubmitReturn(ctx, w.org.ID, r.ID, r.Version, f, &contract.Upload{Filename: "log.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	got, err := contract.ReturnByID(context.Background(), w.db, r.ID, w.today)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != contract.ReturnSubmitted || got.RAG() != contract.Amber || !got.Late() || got.Overdue() || got.EvidenceFilename == nil {
		t.Errorf("submitted: status %s rag %s late %v overdue %v evidence %v", got.Status, got.RAG(), got.Late(), got.Overdue(), got.EvidenceFilename)
	}
	if subjects := w.outboxTo(w.officer.Email); len(subjects) != 1 || !strings.HasPrefix(subjects[0], "Monitoring return submitted: Placement stability, May 2025") {
		t.Errorf("mail to the manager: %q", subjects)
	}
	// A second submission of the same return is refused.
	if err := w.svc.SubmitReturn(ctx, w.org.ID, r.ID, got.Version, f, nil); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("submitting twice: %v", err)
	}

	// The officer queries; the provider cannot be accepted over, and answers.
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, ""); apperr.FieldsOf(err)["question"] == "" {
		t.Errorf("an empty question: %v", err)
	}
	if err := w.svc.QueryReturn(w.officer.ctx, r.ID, got.Version, "Were the moves reported to the social worker?"); err != nil {
		t.Fatal(err)
	}
	if subjects := w.outboxTo(w.org.User.Email); len(subjects) != 1 || !strings.Contains(subjects[0], "A question about your Placement stability return for May 2025") {
		t.Errorf("mail to the provider: %q", subjects)
	}
	got, _ = contract.ReturnByID(context.Background(), w.db, r.ID, w.today)
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("accepting while the question waits: %v", err)
	}
	other := w.provider("Birch Homes Ltd", "07654321", "", provider.StatusApproved)
	if err := w.svc.AnswerQuery(other.User.ctx, other.ID, r.ID, got.Version, "Not ours"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("another organisation answering: %v", err)
	}
	if err := w.svc.AnswerQuery(ctx, w.org.ID, r.ID, got.Version, "Yes, the same day."); err != nil {
		t.Fatal(err)
	}
	got, _ = contract.ReturnByID(context.Background(), w.db, r.ID, w.today)
	if got.Status != contract.ReturnAnswered {
		t.Errorf("after the answer: %s", got.Status)
	}
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version-1); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("accepting a stale version: %v", err)
	}
	if err := w.svc.AcceptReturn(w.officer.ctx, r.ID, got.Version); err != nil {
		t.Fatal(err)
	}
	got, _ = contract.ReturnByID(context.Background(), w.db, r.ID, w.today)
	if got.Status != contract.ReturnAccepted || got.AcceptedByName != "Olive Officer" {
		t.Errorf("accepted: %s by %q", got.Status, got.AcceptedByName)
	}
	notes, err := contract.Notes(context.Background(), w.db, r.ID)
	if err != nil || len(notes) != 2 || !notes[0].IsQuery() || notes[1].IsQuery() || notes[1].ByName != "Pat Acorn Care Ltd" {
		t.Errorf("notes %+v (%v)", notes, err)
	}
	want := []string{"contract.return.submitted", "contract.return.queried", "contract.return.answered", "contract.return.accepted"}
	if got := w.auditActions(r.ID); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audited %v, want %v", got, want)
	}
}

func TestReturnRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rs := w.returns()
	other := w.provider("Birch Homes Ltd", "07654321", "", provider.StatusApproved)
	june := rs[5] // ends 30 June, after the fixture's 20 June
	if june.Open() || june.StatusLabel() != "Not due yet" {
		t.Errorf("June on 20 June: open %v label %q", june.Open(), june.StatusLabel())
	}
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, june.ID, june.Version, contract.ReturnForm{Value: "99"}, nil); apperr.FieldsOf(err)["value"] == "" {
		t.Errorf("a return before its period ends: %v", err)
	}
	if err := w.svc.SubmitReturn(other.User.ctx, other.ID, rs[0].ID, rs[0].Version, contract.ReturnForm{Value: "99"}, nil); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("another organisation's return: %v, want not found", err)
	}
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, rs[0].ID, rs[0].Version+1, contract.ReturnForm{Value: "99"}, nil); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a stale version: %v, want a conflict", err)
	}
	// An officer records February's return: accepted at once.
	if err := w.svc.RecordReturn(w.officer.ctx, rs[1].ID, rs[1].Version, contract.ReturnForm{Value: "70", Commentary: "Sent by email"}, nil); err != nil {
		t.Fatal(err)
	}
	feb, _ := contract.ReturnByID(context.Background(), w.db, rs[1].ID, w.today)
	if feb.Status != contract.ReturnAccepted || !feb.RecordedByOfficer || feb.RAG() != contract.Red || feb.SubmittedByName != "Olive Officer" {
		t.Errorf("recorded: %+v", feb)
	}
	// January to May ended; February was recorded; the other four are overdue on 20 June.
	overdue, total, err := contract.Returns(context.Background(), w.db, contract.ReturnFilter{Overdue: true, Today: w.today, Limit: 10})
	if err != nil || total != 4 || len(overdue) != 4 {
		t.Errorf("overdue: %d (%v), want 4", total, err)
	}
	counts, err := contract.OverdueByProvider(context.Background(), w.db, w.today, nil)
	if err != nil || counts[w.org.ID] != 4 || len(counts) != 1 {
		t.Errorf("overdue by provider %v (%v)", counts, err)
	}
	todo, total, _ := contract.Returns(context.Background(), w.db, contract.ReturnFilter{OrganisationID: w.org.ID, AwaitingProvider: true, Today: w.today, Limit: 10})
	if total != 4 || todo[0].PeriodStart.Month() != 1 {
		t.Errorf("the provider's to-do list has %d returns, first %v", total, todo)
	}
	if _, total, _ := contract.Returns(context.Background(), w.db, contract.ReturnFilter{OrganisationID: other.ID, AwaitingProvider: true, Today: w.today, Limit: 10}); total != 0 {
		t.Errorf("another provider's to-do list has %d of these returns", total)
	}
}
