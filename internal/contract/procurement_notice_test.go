package contract_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/jmoiron/sqlx"
)

// TestNoticesNeededDueDates checks the Act's deadlines: a contract details notice within
// 30 days beginning with the day the contract was entered into (120 for light touch), a
// change notice by the day of the change, a termination notice within 30 days of the end,
// a performance notice within 30 days of the assessment, and none for a 2015 contract.
func TestNoticesNeededDueDates(t *testing.T) {
	signed := day(2025, 3, 3)
	c := &contract.Contract{Procedure: contract.ProcedureOpen, Stored: contract.StatusActive, Route: "framework",
		DateSigned: &signed, StartDate: day(2025, 4, 1), EndDate: day(2027, 3, 31)}
	today := day(2025, 6, 1)
	due := func(c *contract.Contract, vs []contract.Variation, as []contract.PerformanceAssessment) map[contract.NoticeType]string {
		out := map[contract.NoticeType]string{}
		for _, n := range contract.NoticesNeeded(c, vs, as, today) {
			out[n.Type] = n.Subject + "@" + n.DueOn.Format(time.DateOnly)
		}
		return out
	}
	got := due(c, nil, nil)
	if len(got) != 1 || got[contract.NoticeContractDetails] != "@2025-04-01" {
		t.Errorf("signed 3 March: got %v, want only a details notice due 1 April (30 days beginning with 3 March)", got)
	}
	lt := *c
	lt.LightTouch = true
	if got := due(&lt, nil, nil)[contract.NoticeContractDetails]; got != "@2025-06-30" {
		t.Errorf("light touch: details due %s, want 30 June (120 days)", got)
	}
	vs := []contract.Variation{{ID: "v1", VariedOn: day(2025, 7, 1)}}
	as := []contract.PerformanceAssessment{{ID: "a1", AssessedOn: day(2025, 5, 15)}}
	got = due(c, vs, as)
	if got[contract.NoticeContractChange] != "v1@2025-07-01" || got[contract.NoticeContractPerformance] != "a1@2025-06-13" {
		t.Errorf("change and performance: got %v", got)
	}
	term := *c
	term.Stored, term.TerminatedOn = contract.StatusTerminated, timePtr(day(2025, 5, 10))
	if got := due(&term, nil, nil)[contract.NoticeContractTermination]; got != "@2025-06-08" {
		t.Errorf("terminated 10 May: termination notice due %s, want 8 June", got)
	}
	expired := *c
	expired.EndDate = day(2025, 5, 31)
	if got := due(&expired, nil, nil)[contract.NoticeContractTermination]; got != "@2025-06-29" {
		t.Errorf("ended 31 May: termination notice due %s, want 29 June", got)
	}
	if got := due(c, nil, nil)[contract.NoticeContractTermination]; got != "" {
		t.Errorf("a running contract needs no termination notice, got %s", got)
	}
	old := *c
	old.Procedure = contract.ProcedurePCR2015
	if got := contract.NoticesNeeded(&old, vs, as, today); got != nil {
		t.Errorf("a contract let under the 2015 regulations needs no Act notices, got %v", got)
	}
	draft := *c
	draft.Stored = contract.StatusDraft
	if got := contract.NoticesNeeded(&draft, vs, nil, today); got != nil {
		t.Errorf("a draft contract needs no notices yet, got %v", got)
	}
}

func timePtr(v time.Time) *time.Time { return &v }

// assessmentsFor stands in for the contract performance assessments being built elsewhere:
// a fixed list, so the performance notice's path is exercised end to end.
type assessmentsFor []contract.PerformanceAssessment

func (a assessmentsFor) NeedingNotice(context.Context, sqlx.QueryerContext, string) ([]contract.PerformanceAssessment, error) {
	return a, nil
}

func noticeOfType(t *testing.T, ns []contract.ProcurementNotice, typ contract.NoticeType) *contract.ProcurementNotice {
	t.Helper()
	for i := range ns {
		if ns[i].Type == typ {
			return &ns[i]
		}
	}
	t.Fatalf("no %s notice among %d", typ, len(ns))
	return nil
}

// TestProcurementNoticesLifecycle derives a contract's notices when they are viewed (a
// variation and a termination add theirs), drafts each as an OCDS release in the UK shape
// that validates against the OCDS 1.1.5 release schema, and records one as published: the
// notice id's format, a stale version and the audit trail.
func TestProcurementNoticesLifecycle(t *testing.T) {
	w := newWorld(t)
	ctx := w.officer.ctx
	buyer := contract.Buyer{Name: "Example Council", AddressLines: []string{"Town Hall", "Exampleton", "EX1 1AA"}, Email: "commissioning@council.example"}
	page, err := w.svc.ProcurementNotices(ctx, w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !page.NotUnderAct || len(page.Notices) != 0 {
		t.Fatalf("a 2015 contract: got %+v, want no notices", page)
	}
	if _, err := w.db.Exec(`UPDATE contracts SET award_procedure = 'open', light_touch = false, cpv_codes = '{85311300-5,85311310-5}' WHERE id = $1`, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	v, err := w.svc.AddVariation(ctx, w.contract.ID, contract.VariationForm{VariedOn: date(day(2025, 7, 1)), Description: "Two more placements", ValueChange: "25000"})
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Assessments = assessmentsFor{{ID: "11111111-2222-3333-4444-555555555555", AssessedOn: day(2025, 6, 1), Summary: "KPI assessment: good"}}
	if page, err = w.svc.ProcurementNotices(ctx, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	if len(page.Notices) != 3 || page.PerformanceNotYetDue {
		t.Fatalf("got %d notices (performance not yet due %v), want details, change and performance", len(page.Notices), page.PerformanceNotYetDue)
	}
	details := noticeOfType(t, page.Notices, contract.NoticeContractDetails)
	// Signed 22 December 2024 (10 days before the start): due 20 January 2025, late by 20 June.
	if details.DueOn.Format(time.DateOnly) != "2025-01-20" || !details.Late || details.StatusLabel() != "Late" {
		t.Errorf("details notice: due %s late %v (%s), want due 2025-01-20 and late", details.DueOn.Format(time.DateOnly), details.Late, details.StatusLabel())
	}
	change := noticeOfType(t, page.Notices, contract.NoticeContractChange)
	if change.Subject != v.ID || change.Late || change.DueOn.Format(time.DateOnly) != "2025-07-01" {
		t.Errorf("change notice: subject %s due %s late %v", change.Subject, change.DueOn.Format(time.DateOnly), change.Late)
	}

	sch := ocdsSchema(t, "release-schema.json")
	tags := map[contract.NoticeType]string{}
	for _, n := range page.Notices {
		data, err := w.svc.DraftNotice(ctx, w.contract.ID, n.ID, buyer)
		if err != nil {
			t.Fatalf("draft %s: %v", n.Type, err)
		}
		validatePackage(t, sch, data)
		var rel struct {
			Tag    []string `json:"tag"`
			Tender struct {
				Classification    struct{ ID string } `json:"classification"`
				ProcurementMethod string              `json:"procurementMethod"`
			} `json:"tender"`
			Contracts []struct {
				Value      struct{ Amount json.Number } `json:"value"`
				Amendments []struct{ ID, Rationale string }
				Documents  []struct{ NoticeType, DocumentType string }
			} `json:"contracts"`
		}
		if err := json.Unmarshal(data, &rel); err != nil {
			t.Fatal(err)
		}
		tags[n.Type] = rel.Tag[0] + " " + rel.Contracts[0].Documents[0].NoticeType
		if rel.Tender.Classification.ID != "85311300" || rel.Tender.ProcurementMethod != "open" {
			t.Errorf("%s: tender %+v, want CPV 85311300 and the open procedure", n.Type, rel.Tender)
		}
		if n.Type == contract.NoticeContractChange {
			if a := rel.Contracts[0].Amendments; len(a) != 1 || a[0].ID != v.ID || a[0].Rationale == "" {
				t.Errorf("change notice amendments: %+v, want the variation with its value", a)
			}
			if got := rel.Contracts[0].Value.Amount.String(); got != "1225000.00" {
				t.Errorf("change notice: the contract's value is %s, want 1225000.00 after the variation", got)
			}
		}
	}
	want := map[contract.NoticeType]string{contract.NoticeContractDetails: "contract UK7", contract.NoticeContractChange: "contractAmendment UK10",
		contract.NoticeContractPerformance: "implementation UK9"}
	for k, v := range want {
		if tags[k] != v {
			t.Errorf("%s: tag and notice type %q, want %q", k, tags[k], v)
		}
	}

	// A later variation does not change what the earlier change notice says the value became.
	if _, err := w.svc.AddVariation(ctx, w.contract.ID, contract.VariationForm{VariedOn: date(day(2025, 8, 1)), Description: "One fewer bed", ValueChange: "-5000"}); err != nil {
		t.Fatal(err)
	}
	data, err := w.svc.DraftNotice(ctx, w.contract.ID, change.ID, buyer)
	if err != nil {
		t.Fatal(err)
	}
	var again struct {
		Contracts []struct{ Value struct{ Amount json.Number } }
	}
	if err := json.Unmarshal(data, &again); err != nil || again.Contracts[0].Value.Amount.String() != "1225000.00" {
		t.Errorf("the first change notice after a second variation: %s (%v), want 1225000.00", again.Contracts[0].Value.Amount, err)
	}

	published := contract.PublishedForm{NoticeID: "12345-2025", PublishedOn: form.DateInputOf(timePtr(day(2025, 6, 19)))}
	err = w.svc.RecordPublished(ctx, w.contract.ID, details.ID, details.Version, published, buyer)
	if f := apperr.FieldsOf(err); f["notice_id"] == "" {
		t.Errorf("a 5-digit notice id: got %v, want the notice id refused", err)
	}
	published.NoticeID = "https://www.find-tender.service.gov.uk/Notice/012345-2025"
	published.PublishedOn = form.DateInputOf(timePtr(day(2025, 6, 21)))
	err = w.svc.RecordPublished(ctx, w.contract.ID, details.ID, details.Version, published, buyer)
	if f := apperr.FieldsOf(err); f["published_on"] == "" || f["notice_id"] != "" {
		t.Errorf("published tomorrow, id as its address: got %v, want only the date refused", err)
	}
	published.PublishedOn = form.DateInputOf(timePtr(day(2025, 6, 19)))
	if err := w.svc.RecordPublished(ctx, w.contract.ID, details.ID, details.Version+1, published, buyer); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a version not read: got %v, want a conflict", err)
	}
	if err := w.svc.RecordPublished(ctx, w.contract.ID, details.ID, details.Version, published, buyer); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.RecordPublished(ctx, w.contract.ID, details.ID, details.Version, published, buyer); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("recording again from the same page: got %v, want a conflict", err)
	}

	// The contract is terminated: its notice appears on the next view.
	if _, err := w.db.Exec(`UPDATE contracts SET status = 'terminated', terminated_on = '2025-06-10', termination_reason = 'Provider closed' WHERE id = $1`, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	if page, err = w.svc.ProcurementNotices(ctx, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	details = noticeOfType(t, page.Notices, contract.NoticeContractDetails)
	if details.Status != contract.NoticePublished || details.NoticeIDText() != "012345-2025" || details.Late || details.RecordedByName != "Olive Officer" {
		t.Errorf("published details notice: %+v", details)
	}
	term := noticeOfType(t, page.Notices, contract.NoticeContractTermination)
	if term.DueOn.Format(time.DateOnly) != "2025-07-09" || term.Status != contract.NoticeDue {
		t.Errorf("termination notice: due %s status %s, want due 9 July", term.DueOn.Format(time.DateOnly), term.Status)
	}
	data, err = w.svc.DraftNotice(ctx, w.contract.ID, term.ID, buyer)
	if err != nil {
		t.Fatal(err)
	}
	validatePackage(t, sch, data)
	var rel struct {
		Tag       []string
		Contracts []struct {
			Status string
			Period struct{ EndDate string }
		}
	}
	if err := json.Unmarshal(data, &rel); err != nil {
		t.Fatal(err)
	}
	if rel.Tag[0] != "contractTermination" || rel.Contracts[0].Status != "terminated" || rel.Contracts[0].Period.EndDate != "2025-06-10T00:00:00Z" {
		t.Errorf("termination notice release: %+v", rel)
	}
	actions := w.auditActions(w.contract.ID)
	if !slices.Contains(actions, "contract.notice.published") || !slices.Contains(actions, "contract.notice.drafted") {
		t.Errorf("audit: %v, want the drafts and the publication", actions)
	}
}
