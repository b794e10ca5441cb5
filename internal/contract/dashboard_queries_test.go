package contract_test

import (
	"context"
	"testing"

	"github.com/council/provider-portal/internal/contract"
)

// A provider page's KPI summaries carry each KPI's latest accepted value (the latest period
// with one, not the latest period, nor a value still under review) and its overdue returns,
// for the contracts asked for only.
func TestOverviewKPISummaries(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	quiet, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, kpiForm("Complaints resolved"))
	if err != nil {
		t.Fatal(err)
	}
	rs := w.returns() // January to May have ended by 20 June, all overdue
	april := rs[3]
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, april.ID, april.Version,
		contract.ReturnForm{Value: "85", Commentary: "Two moves were planned step-downs."}, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AcceptReturn(w.officer.ctx, april.ID, april.Version+1); err != nil {
		t.Fatal(err)
	}
	may := rs[4] // submitted, not yet accepted: not the latest figure
	if err := w.svc.SubmitReturn(w.org.User.ctx, w.org.ID, may.ID, may.Version, contract.ReturnForm{Value: "99"}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := contract.KPISummaries(context.Background(), w.db, []string{w.contract.ID, "not-an-id"}, w.today)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != quiet.ID || got[1].ID != w.kpi.ID {
		t.Fatalf("summaries %+v, want the two KPIs by name", got)
	}
	if got[0].Latest != nil || got[0].LatestRAG() != contract.NoRAG || got[0].Overdue != 5 || got[0].ContractReference != "CYP-2025-001" {
		t.Errorf("the KPI without returns: %+v", got[0])
	}
	if got[1].Latest == nil || got[1].Latest.ID != april.ID || got[1].LatestRAG() != contract.Amber || got[1].Overdue != 3 {
		t.Errorf("the KPI with April's return: latest %+v, overdue %d", got[1].Latest, got[1].Overdue)
	}
	if none, err := contract.KPISummaries(context.Background(), w.db, nil, w.today); err != nil || len(none) != 0 {
		t.Errorf("no contracts: %v %v", none, err)
	}
}
