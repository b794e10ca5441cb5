package contract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
)

// Every path that creates a contract goes through the service, so these are the rules the
// form, the demo data and any importer meet.
func TestCreateContractChecksWhatTheNoticesNeed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	start, end := day(2025, 4, 1), day(2026, 3, 31)
	tests := []struct {
		name  string
		edit  func(f *contract.ContractForm)
		field string
		want  string
	}{
		{"no procedure", func(f *contract.ContractForm) { f.Procedure = "" }, "award_procedure", "Select the procedure"},
		{"a procedure not on the list", func(f *contract.ContractForm) { f.Procedure = "restricted" }, "award_procedure", "Select the procedure"},
		{"a call-off without a framework route", func(f *contract.ContractForm) { f.Procedure, f.Route, f.FrameworkName = "call_off", "block", "" }, "award_procedure", "A call-off must have"},
		{"light touch not answered", func(f *contract.ContractForm) { f.LightTouch = "" }, "light_touch", "Select yes if"},
		{"no CPV code", func(f *contract.ContractForm) { f.CPVCodes = "" }, "cpv_codes", "at least one CPV code"},
		{"a CPV code without its check digit", func(f *contract.ContractForm) { f.CPVCodes = "85311300" }, "cpv_codes", `"85311300" is not one`},
		{"a CPV code among good ones", func(f *contract.ContractForm) { f.CPVCodes = "85311300-5, 8531-1000-2" }, "cpv_codes", "like 85311300-5"},
		{"a PPON of the wrong shape", func(f *contract.ContractForm) { f.SupplierPPON = "QDLN-5395-QMNP" }, "supplier_ppon", "starting with P"},
		{"no estimated value", func(f *contract.ContractForm) { f.EstimatedValue = "" }, "estimated_value", "Enter the estimated value"},
		{"a maximum in words", func(f *contract.ContractForm) { f.MaximumValue = "lots" }, "maximum_value", "in pounds"},
		{"a maximum below the estimate", func(f *contract.ContractForm) { f.MaximumValue = "1439999.99" }, "maximum_value", "same as or more than the estimated value"},
		{"published before it was signed", func(f *contract.ContractForm) { f.PublishedOn = date(start.AddDate(0, 0, -11)) }, "published_on", "same as or after the date signed"},
		{"published but never signed", func(f *contract.ContractForm) {
			f.DateSigned, f.PublishedOn = date(start.AddDate(0, 0, -10)), date(start)
			f.DateSigned.Day, f.DateSigned.Month, f.DateSigned.Year = "", "", ""
		}, "published_on", "Enter the date signed"},
		{"published in the future", func(f *contract.ContractForm) { f.PublishedOn = date(w.today.AddDate(0, 0, 1)) }, "published_on", "today or in the past"},
		{"an exemption not on the list", func(f *contract.ContractForm) { f.KPIExemption = "small" }, "kpi_exemption", "Select whether"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := contractForm("CYP-2025-777", w.org, w.officer, start, end)
			f.Procedure = "open" // awarded under the Act, so codes and values are required
			tt.edit(&f)
			_, err := w.svc.CreateContract(w.officer.ctx, f)
			if got := apperr.FieldsOf(err)[tt.field]; !strings.Contains(got, tt.want) {
				t.Errorf("message for %s = %q (all: %v), want one containing %q", tt.field, got, apperr.FieldsOf(err), tt.want)
			}
		})
	}

	// A good form is stored as typed, the PPON upper-cased and repeated codes dropped.
	f := contractForm("CYP-2025-778", w.org, w.officer, start, end)
	f.Procedure, f.CPVCodes, f.SupplierPPON, f.PublishedOn = "call_off", "85311300-5 85311000-2,85311300-5", "pdln-5395-qmnp", date(start.AddDate(0, 0, -1))
	c, err := w.svc.CreateContract(w.officer.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if c.Procedure != contract.ProcedureCallOff || !c.LightTouch || c.CPVText() != "85311300-5, 85311000-2" || c.SupplierPPON != "PDLN-5395-QMNP" ||
		c.EstimatedValueText() != "£1,440,000" || c.MaximumValueText() != "£1,500,000" || c.PublishedOn == nil {
		t.Errorf("stored %+v", c)
	}
	// The form it fills for editing saves back unchanged.
	if err := w.svc.UpdateContract(w.officer.ctx, c.ID, c.Version, contract.ContractFormOf(c)); err != nil {
		t.Errorf("saving the contract's own form: %v", err)
	}

	// A contract let before the Act may leave the codes and values empty, but not one value alone.
	legacy := contractForm("CYP-2019-001", w.org, w.officer, start, end)
	legacy.Procedure, legacy.CPVCodes, legacy.EstimatedValue, legacy.MaximumValue = "pcr2015", "", "", ""
	if _, err := w.svc.CreateContract(w.officer.ctx, legacy); err != nil {
		t.Errorf("a contract let under the 2015 regulations without codes or values: %v", err)
	}
	// The database holds the same line for paths that write it directly (demo, generated data).
	for _, set := range []string{`cpv_codes = '{}'`, `cpv_codes = '{85311300}'`, `estimated_value_pence = NULL`, `supplier_ppon = 'PDLN5395QMNP'`,
		`maximum_value_pence = estimated_value_pence - 1`, `published_on = date_signed - 1`, `procurement_route = 'block', framework_name = ''`} {
		if _, err := w.db.Exec(`UPDATE contracts SET `+set+` WHERE id = $1`, c.ID); err == nil {
			t.Errorf("the database lets a call-off contract have %s", set)
		}
	}
	legacy.Reference, legacy.MaximumValue = "CYP-2019-002", "100"
	if _, err := w.svc.CreateContract(w.officer.ctx, legacy); !strings.Contains(apperr.FieldsOf(err)["estimated_value"], "leave both values empty") {
		t.Errorf("one value alone: %v", err)
	}
}

func pence(n int64) *int64 { return &n }

// Section 52: a contract estimated at more than £5 million, awarded under the Act, not
// light touch and not exempt, needs at least three KPIs, three of them marked most material.
func TestNeedsKPIsAtTheBoundaries(t *testing.T) {
	t.Parallel()
	over := func(edit func(c *contract.Contract)) *contract.Contract {
		c := &contract.Contract{Procedure: contract.ProcedureOpen, EstimatedValuePence: pence(contract.KPIThresholdPence + 1)}
		edit(c)
		return c
	}
	tests := []struct {
		name string
		c    *contract.Contract
		want bool
	}{
		{"a penny over £5 million", over(func(*contract.Contract) {}), true},
		{"exactly £5 million", over(func(c *contract.Contract) { c.EstimatedValuePence = pence(5_000_000_00) }), false},
		{"a penny under £5 million", over(func(c *contract.Contract) { c.EstimatedValuePence = pence(4_999_999_99) }), false},
		{"no estimated value recorded", over(func(c *contract.Contract) { c.EstimatedValuePence = nil }), false},
		{"light touch", over(func(c *contract.Contract) { c.LightTouch = true }), false},
		{"a framework agreement", over(func(c *contract.Contract) { c.KPIExemption = "framework" }), false},
		{"performance not assessable by KPIs", over(func(c *contract.Contract) { c.KPIExemption = "not_assessable" }), false},
		{"let under the 2015 regulations", over(func(c *contract.Contract) { c.Procedure = contract.ProcedurePCR2015 }), false},
		{"a call-off from a framework", over(func(c *contract.Contract) { c.Procedure = contract.ProcedureCallOff }), true},
	}
	for _, tt := range tests {
		if got := tt.c.NeedsKPIs(); got != tt.want {
			t.Errorf("%s: NeedsKPIs = %v, want %v", tt.name, got, tt.want)
		}
	}

	c := over(func(*contract.Contract) {})
	kpi := func(marked bool) contract.KPI { return contract.KPI{MostMaterial: marked} }
	shortfalls := []struct {
		name string
		kpis []contract.KPI
		want string
	}{
		{"none", nil, "It needs at least 3 KPIs and has 0. Mark the 3 KPIs most material to the contract: 0 marked."},
		{"two, both marked", []contract.KPI{kpi(true), kpi(true)}, "It needs at least 3 KPIs and has 2. Mark the 3 KPIs most material to the contract: 2 marked."},
		{"four, two marked", []contract.KPI{kpi(true), kpi(true), kpi(false), kpi(false)}, "Mark the 3 KPIs most material to the contract: 2 marked."},
		{"three, all marked", []contract.KPI{kpi(true), kpi(true), kpi(true)}, ""},
	}
	for _, tt := range shortfalls {
		if got := strings.Join(contract.KPIShortfall(c, tt.kpis), " "); got != tt.want {
			t.Errorf("%s: shortfall %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := contract.KPIShortfall(over(func(c *contract.Contract) { c.LightTouch = true }), nil); got != nil {
		t.Errorf("a light-touch contract has a shortfall: %v", got)
	}
}

// No more than three KPIs of a contract can be marked most material, adding or editing.
func TestAtMostThreeKPIsAreMostMaterial(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	marked := func(name string) contract.KPIForm {
		f := kpiForm(name)
		f.MostMaterial = "yes"
		return f
	}
	for _, name := range []string{"Visits on time", "Education attendance", "Health assessments"} {
		if _, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, marked(name)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	_, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, marked("Complaints answered"))
	if !strings.Contains(apperr.FieldsOf(err)["most_material"], "already marked most material") {
		t.Errorf("a fourth marked KPI: %v", err)
	}
	err = w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, marked(w.kpi.Name))
	if !strings.Contains(apperr.FieldsOf(err)["most_material"], "already marked most material") {
		t.Errorf("marking a fourth by editing: %v", err)
	}
	f := kpiForm("Odd box")
	f.MostMaterial = "on"
	if _, err := w.svc.CreateKPI(w.officer.ctx, w.contract.ID, f); apperr.FieldsOf(err)["most_material"] == "" {
		t.Errorf("a box value that is not yes: %v", err)
	}
	// Unmarking one frees a place.
	kpis, err := contract.KPIs(context.Background(), w.db, w.contract.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kpis {
		if k.MostMaterial {
			uf := contract.KPIFormOf(&k)
			uf.MostMaterial = ""
			if err := w.svc.UpdateKPI(w.officer.ctx, k.ID, k.Version, uf); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if err := w.svc.UpdateKPI(w.officer.ctx, w.kpi.ID, w.kpi.Version, marked(w.kpi.Name)); err != nil {
		t.Errorf("marking after one was unmarked: %v", err)
	}
}
