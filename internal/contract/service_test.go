package contract_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
)

func TestCreateContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := w.contract
	checks := []struct {
		what      string
		got, want any
	}{
		{"reference", c.Reference, "CYP-2025-001"},
		{"provider", c.OrganisationID, w.org.ID},
		{"total", c.TotalValuePence, int64(120000000)},
		{"annual", c.AnnualValuePence, int64(40000050)},
		{"framework", c.FrameworkName, "East Midlands regional placements framework"},
		{"extension", c.ExtensionMonths, 12},
		{"status", c.Status, contract.StatusActive},
		{"manager", *c.ManagerName, "Olive Officer"},
		{"signed", c.DateSigned.Format(time.DateOnly), "2024-12-22"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.what, ch.got, ch.want)
		}
	}
	if got := w.auditActions(c.ID); len(got) < 2 || got[0] != "contract.created" || got[1] != "contract.kpi.created" {
		t.Errorf("audited %v, want contract.created then contract.kpi.created", got)
	}
}

func TestCreateContractRefusesWhatTheDatabaseKnowsIsWrong(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	pending := w.provider("Birch Homes Ltd", "07654321", "", provider.StatusSubmitted)
	clerk := w.person("fin@council.example", "Fin Ance", "finance")
	start, end := day(2025, 4, 1), day(2026, 3, 31)
	tests := []struct {
		name  string
		edit  func(f *contract.ContractForm)
		field string
		want  string
	}{
		{"a provider not yet approved", func(f *contract.ContractForm) { f.Provider = pending.Ref }, "provider", "is not an approved provider"},
		{"no such provider", func(f *contract.ContractForm) { f.Provider = "SUP999999" }, "provider", "No provider has this supplier reference"},
		{"a manager who is not an officer", func(f *contract.ContractForm) { f.ManagerID = clerk.ID }, "manager", "Select the contract manager from the list"},
		{"a manager id that is not an id", func(f *contract.ContractForm) { f.ManagerID = "'; DROP TABLE users; --" }, "manager", "Select the contract manager"},
		{"a reference in use, in another case", func(f *contract.ContractForm) { f.Reference = "cyp-2025-001" }, "reference", "already exists"},
		{"a reference with spaces", func(f *contract.ContractForm) { f.Reference = "CYP 2025" }, "reference", "must only include"},
		{"an end before the start", func(f *contract.ContractForm) { f.EndDate = date(start.AddDate(0, 0, -1)) }, "end_date", "same as or after the start date"},
		{"terminated without a reason", func(f *contract.ContractForm) { f.Status = "terminated" }, "termination_reason", "Enter the reason"},
		{"a framework without its name", func(f *contract.ContractForm) { f.FrameworkName = "" }, "framework_name", "Enter the name of the framework"},
		{"an annual value above the total", func(f *contract.ContractForm) { f.AnnualValue = "2000000" }, "annual_value", "must not be more than the total"},
		{"a value in words", func(f *contract.ContractForm) { f.TotalValue = "a million" }, "total_value", "in pounds"},
		{"a category not on the list", func(f *contract.ContractForm) { f.ServiceCategory = "catering" }, "service_category", "Select the service category"},
		{"a status that cannot be set", func(f *contract.ContractForm) { f.Status = "expiring" }, "status", "Select the status"},
		{"a signature in the future", func(f *contract.ContractForm) { f.DateSigned = date(w.today.AddDate(0, 0, 1)) }, "date_signed", "today or in the past"},
		{"an extension without its terms", func(f *contract.ContractForm) { f.ExtensionOptions = "" }, "extension_options", "Describe the extension options"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := contractForm("CYP-2025-777", w.org, w.officer, start, end)
			tt.edit(&f)
			_, err := w.svc.CreateContract(w.officer.ctx, f)
			if got := apperr.FieldsOf(err)[tt.field]; !strings.Contains(got, tt.want) {
				t.Errorf("message for %s = %q (all: %v), want one containing %q", tt.field, got, apperr.FieldsOf(err), tt.want)
			}
		})
	}
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM contracts`); err != nil || n != 1 {
		t.Errorf("%d contracts stored (%v), want only the world's", n, err)
	}
}

func TestUpdateContractConflict(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	f := contract.ContractFormOf(w.contract)
	f.Title = "Renamed by Olive"
	if err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version, f); err != nil {
		t.Fatal(err)
	}
	stale := contract.ContractFormOf(w.contract)
	stale.Lot = "7"
	err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version, stale)
	var conflict *contract.ConflictError
	if !errors.As(err, &conflict) || !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("a save with the old version: %v, want a conflict", err)
	}
	if conflict.Current.Title != "Renamed by Olive" || conflict.Current.Version != w.contract.Version+1 {
		t.Errorf("the conflict carries %q version %d, want the saved title and version", conflict.Current.Title, conflict.Current.Version)
	}
	c, err := w.svc.Contract(context.Background(), w.contract.ID)
	if err != nil || c.Lot != "2" {
		t.Errorf("after the conflict lot = %q (%v), want it unchanged", c.Lot, err)
	}
}

func TestTerminateContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	f := contract.ContractFormOf(w.contract)
	f.Status = "terminated"
	if err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version, f); apperr.FieldsOf(err)["termination_reason"] == "" {
		t.Fatalf("terminating without a reason: %v", err)
	}
	f.TerminationReason = "The home closed after an inadequate inspection"
	if err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version, f); err != nil {
		t.Fatal(err)
	}
	c, err := w.svc.Contract(context.Background(), w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != contract.StatusTerminated || c.TerminatedOn == nil || !c.TerminatedOn.Equal(w.today) || c.TerminationReason != f.TerminationReason {
		t.Errorf("terminated contract: status %s on %v reason %q", c.Status, c.TerminatedOn, c.TerminationReason)
	}
	if got := w.auditActions(c.ID); got[len(got)-1] != "contract.status.terminated" {
		t.Errorf("audited %v, want the termination last", got)
	}
	// A terminated contract's returns cannot be made any more.
	r := w.returns()[0]
	err = w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "96"}, nil)
	if !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("a return on a terminated contract: %v, want forbidden", err)
	}
}

func TestStatusOn(t *testing.T) {
	c := &contract.Contract{Stored: contract.StatusActive, EndDate: day(2025, 9, 30)}
	tests := []struct {
		today time.Time
		days  int
		want  contract.Status
	}{
		{day(2025, 6, 1), 90, contract.StatusActive},
		{day(2025, 7, 2), 90, contract.StatusExpiring}, // 90 days before the end
		{day(2025, 7, 1), 90, contract.StatusActive},
		{day(2025, 9, 30), 90, contract.StatusExpiring},
		{day(2025, 10, 1), 90, contract.StatusEnded},
		{day(2025, 9, 1), 14, contract.StatusActive},
	}
	for _, tt := range tests {
		if got := c.StatusOn(tt.today, tt.days); got != tt.want {
			t.Errorf("StatusOn(%s, %d) = %s, want %s", tt.today.Format(time.DateOnly), tt.days, got, tt.want)
		}
	}
	draft := &contract.Contract{Stored: contract.StatusDraft, EndDate: day(2020, 1, 1)}
	if got := draft.StatusOn(day(2025, 1, 1), 90); got != contract.StatusDraft {
		t.Errorf("a draft past its end date reads %s", got)
	}
}

func TestListFiltersByComputedStatus(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	expiring := contractForm("CYP-EXP", w.org, w.officer, day(2024, 1, 1), w.today.AddDate(0, 0, 30))
	ended := contractForm("CYP-END", w.org, w.officer, day(2024, 1, 1), w.today.AddDate(0, 0, -1))
	draft := contractForm("CYP-DRAFT", w.org, w.officer, day(2025, 7, 1), day(2026, 6, 30))
	draft.Status, draft.DateSigned = "draft", form.DateInput{}
	for _, f := range []contract.ContractForm{expiring, ended, draft} {
		if _, err := w.svc.CreateContract(w.officer.ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	for status, want := range map[contract.Status]string{
		contract.StatusActive: "CYP-2025-001", contract.StatusExpiring: "CYP-EXP", contract.StatusEnded: "CYP-END", contract.StatusDraft: "CYP-DRAFT",
	} {
		got, total, err := w.svc.List(context.Background(), contract.Filter{Status: status, Limit: 10})
		if err != nil || total != 1 || len(got) != 1 || got[0].Reference != want || got[0].Status != status {
			t.Errorf("status %s: %d contracts %v (%v), want %s", status, total, got, err, want)
		}
	}
	shown, total, err := w.svc.List(context.Background(), contract.Filter{OrganisationID: w.org.ID, VisibleToProvider: true, Limit: 2})
	if err != nil || total != 3 || len(shown) != 2 {
		t.Errorf("the provider's list: %d of %d (%v), want a page of 2 of the 3 that are not drafts", len(shown), total, err)
	}
	if _, total, _ := w.svc.List(context.Background(), contract.Filter{Query: "100%_", Limit: 10}); total != 0 {
		t.Errorf("a search for LIKE wildcards matched %d contracts", total)
	}
	if got, _, _ := w.svc.List(context.Background(), contract.Filter{Query: "acorn", Limit: 10}); len(got) != 4 {
		t.Errorf("a search by provider name found %d contracts, want 4", len(got))
	}
}

func TestProviderContractIsTheirsAndAgreed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := w.provider("Birch Homes Ltd", "07654321", "", provider.StatusApproved)
	draft := contractForm("CYP-DRAFT", w.org, w.officer, day(2025, 7, 1), day(2026, 6, 30))
	draft.Status, draft.DateSigned = "draft", form.DateInput{}
	d, err := w.svc.CreateContract(w.officer.ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ProviderContract(context.Background(), w.org.ID, w.contract.ID); err != nil {
		t.Errorf("the provider's own contract: %v", err)
	}
	for name, id := range map[string][2]string{"another organisation's": {other.ID, w.contract.ID}, "a draft": {w.org.ID, d.ID}, "a bad id": {w.org.ID, "x"}} {
		if _, err := w.svc.ProviderContract(context.Background(), id[0], id[1]); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("%s contract: %v, want not found", name, err)
		}
	}
}

func TestKPIPeriodsFollowTheContract(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if got := len(w.returns()); got != 24 {
		t.Fatalf("a two-year contract reported monthly has %d returns, want 24", got)
	}
	first := w.returns()[0]
	if !first.PeriodEnd.Equal(day(2025, 1, 31)) || !first.DueDate.Equal(day(2025, 2, 15)) {
		t.Errorf("first period ends %v, due %v; want 31 January, due 15 February", first.PeriodEnd, first.DueDate)
	}
	// Shorten by six months: the last six rows go, the rest stay.
	f := contract.ContractFormOf(w.contract)
	f.EndDate = date(day(2026, 6, 30))
	if err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version, f); err != nil {
		t.Fatal(err)
	}
	if got := len(w.returns()); got != 18 {
		t.Errorf("after shortening to 18 months: %d returns", got)
	}
	// Make a return, then the start cannot move and the end cannot drop its period.
	r := w.returns()[0]
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "97"}, nil); err != nil {
		t.Fatal(err)
	}
	f.StartDate = date(day(2025, 2, 1))
	err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version+1, f)
	if !strings.Contains(apperr.FieldsOf(err)["start_date"], "cannot change") {
		t.Errorf("moving the start after a return: %v", err)
	}
	f.StartDate, f.EndDate = date(day(2025, 1, 1)), date(day(2025, 1, 10))
	err = w.svc.UpdateContract(w.officer.ctx, w.contract.ID, w.contract.Version+1, f)
	if !strings.Contains(apperr.FieldsOf(err)["end_date"], "cannot be earlier") {
		t.Errorf("ending before a period with a return: %v", err)
	}
	kf := kpiForm("Placement stability")
	kf.Frequency = "quarterly"
	if err := w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, kf); !strings.Contains(apperr.FieldsOf(err)["frequency"], "cannot change") {
		t.Errorf("changing the frequency after a return: %v", err)
	}
	// Other changes to the KPI are fine, and a stale version conflicts.
	kf.Frequency, kf.Target = "monthly", "96"
	if err := w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, kf); err != nil {
		t.Fatalf("changing the target: %v", err)
	}
	if err := w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, kf); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a stale KPI save: %v, want a conflict", err)
	}
}

func TestKPIFormChecks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	tests := []struct {
		name  string
		edit  func(f *contract.KPIForm)
		field string
		want  string
	}{
		{"a name in use", func(f *contract.KPIForm) { f.Name = "placement STABILITY" }, "name", "already has a KPI"},
		{"an amber boundary above the target", func(f *contract.KPIForm) { f.Amber = "96" }, "amber_threshold", "must not be above the target"},
		{"a red boundary above the amber", func(f *contract.KPIForm) { f.Red = "91" }, "red_threshold", "must be below the amber boundary"},
		{"lower is better with the boundaries the wrong way", func(f *contract.KPIForm) { f.Direction = "lower" }, "amber_threshold", "must not be below the target"},
		{"no direction", func(f *contract.KPIForm) { f.Direction = "sideways" }, "direction", "Select whether"},
		{"a target in words", func(f *contract.KPIForm) { f.Target = "high" }, "target", "must be a number"},
		{"no frequency", func(f *contract.KPIForm) { f.Frequency = "" }, "frequency", "Select how often"},
		{"no unit", func(f *contract.KPIForm) { f.Unit = "" }, "unit", "Enter the unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := kpiForm("Visits on time")
			tt.edit(&f)
			_, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, f)
			if got := apperr.FieldsOf(err)[tt.field]; !strings.Contains(got, tt.want) {
				t.Errorf("message for %s = %q (all %v), want %q", tt.field, got, apperr.FieldsOf(err), tt.want)
			}
		})
	}
}

func TestVariationIsAudited(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	v, err := w.svc.AddVariation(w.officer.ctx, w.contract.ID, contract.VariationForm{VariedOn: date(day(2025, 4, 1)),
		Description: "Two more placements a year", ValueChange: "+150,000"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := w.svc.Contract(context.Background(), w.contract.ID)
	if c.CurrentValuePence() != 135000000 || c.Version != w.contract.Version+1 {
		t.Errorf("after the variation the value is %d and version %d", c.CurrentValuePence(), c.Version)
	}
	var summary struct {
		Before int64  `db:"before"`
		After  int64  `db:"after"`
		ID     string `db:"id"`
	}
	if err := w.db.Get(&summary, `SELECT (summary->>'value_before_pence')::bigint AS before, (summary->>'value_after_pence')::bigint AS after,
		summary->>'variation_id' AS id FROM audit_events WHERE action = 'contract.variation.added' AND object_id = $1`, w.contract.ID); err != nil {
		t.Fatal(err)
	}
	if summary.Before != 120000000 || summary.After != 135000000 || summary.ID != v.ID {
		t.Errorf("audit summary %+v", summary)
	}
	tests := []struct {
		f     contract.VariationForm
		field string
	}{
		{contract.VariationForm{VariedOn: date(day(2025, 4, 1)), Description: "Cut", ValueChange: "-2,000,000"}, "value_change"},
		{contract.VariationForm{VariedOn: date(day(2024, 4, 1)), Description: "Before the start"}, "varied_on"},
		{contract.VariationForm{VariedOn: date(day(2025, 4, 1))}, "description"},
	}
	for _, tt := range tests {
		if _, err := w.svc.AddVariation(w.officer.ctx, w.contract.ID, tt.f); apperr.FieldsOf(err)[tt.field] == "" {
			t.Errorf("variation %+v: %v, want a message for %s", tt.f, err, tt.field)
		}
	}
}

func TestAddDocument(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	if err := w.svc.AddDocument(w.officer.ctx, w.contract.ID, contract.DocumentForm{Title: "Signed contract", DocumentType: "contractSigned"},
		&contract.Upload{Filename: "signed.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	docs, err := contract.Documents(context.Background(), w.db, w.contract.ID)
	if err != nil || len(docs) != 1 || docs[0].Filename != "signed.pdf" || docs[0].TypeLabel() != "Signed contract" {
		t.Fatalf("documents %+v (%v)", docs, err)
	}
	var org string
	if err := w.db.Get(&org, `SELECT organisation_id FROM documents WHERE id = $1`, docs[0].DocumentID); err != nil || org != w.org.ID {
		t.Errorf("the document belongs to %q (%v), want the provider, whose users may download it", org, err)
	}
	err = w.svc.AddDocument(w.officer.ctx, w.contract.ID, contract.DocumentForm{Title: "", DocumentType: "invoice"},
		&contract.Upload{Filename: "page.pdf", Content: []byte("<html>not a pdf</html>")})
	fields := apperr.FieldsOf(err)
	if fields["document_title"] == "" || fields["document_type"] == "" || fields["file"] != "The selected file must be a PDF, PNG or JPEG" {
		t.Errorf("a bad document: %v", fields)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s, err := contract.LoadSettings(context.Background(), w.db)
	if err != nil || s.ExpiringWithinDays != 90 || s.ReturnDueDays != 15 || s.OCIDPrefix != "ocds-xxxxxx" {
		t.Fatalf("defaults %+v (%v)", s, err)
	}
	bad := contract.SettingsForm{ExpiringWithinDays: "0", ReturnDueDays: "x", OCIDPrefix: "ocds-toolong1", BuyerIdentifier: "Leeds"}
	fields := apperr.FieldsOf(w.svc.SaveSettings(w.officer.ctx, bad))
	for _, f := range []string{"expiring_within_days", "return_due_days", "ocid_prefix", "buyer_identifier"} {
		if fields[f] == "" {
			t.Errorf("no message for %s in %v", f, fields)
		}
	}
	// Submit January's return, then move the due days: only returns not made move.
	r := w.returns()[0]
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, r.ID, r.Version, contract.ReturnForm{Value: "97"}, nil); err != nil {
		t.Fatal(err)
	}
	good := contract.SettingsForm{ExpiringWithinDays: "60", ReturnDueDays: "10", OCIDPrefix: "OCDS-B5FD17-", BuyerIdentifier: "gb-lae-LDS"}
	if err := w.svc.SaveSettings(w.officer.ctx, good); err != nil {
		t.Fatal(err)
	}
	s, _ = contract.LoadSettings(context.Background(), w.db)
	if s.ExpiringWithinDays != 60 || s.ReturnDueDays != 10 || s.OCIDPrefix != "ocds-b5fd17" || s.BuyerIdentifier != "GB-LAE-LDS" {
		t.Errorf("saved %+v", s)
	}
	rs := w.returns()
	if !rs[0].DueDate.Equal(day(2025, 2, 15)) || !rs[1].DueDate.Equal(day(2025, 3, 10)) {
		t.Errorf("due dates after the change: made %v, not made %v", rs[0].DueDate, rs[1].DueDate)
	}
	if got := w.auditActions("contracts"); len(got) != 1 || got[0] != "contract.settings.saved" {
		t.Errorf("settings audited as %v", got)
	}
}
