package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// The contract form asks what the Procurement Act notices need: a wrong answer comes back
// with its message beside the field and everything typed kept.
func TestContractFormChecksTheNoticeFields(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	doc := ctPage(t, w.oc, "/contracts/new")
	for _, name := range []string{"award_procedure", "light_touch", "cpv_codes", "supplier_ppon", "estimated_value", "maximum_value", "published_on-day", "kpi_exemption"} {
		if doc.Find(`[name="`+name+`"]`).Length() == 0 {
			t.Errorf("the new contract form does not ask for %s", name)
		}
	}
	if doc.Find(`input[name="award_procedure"][checked], input[name="light_touch"][checked]`).Length() != 0 {
		t.Error("the procedure or light touch is answered before the officer has chosen")
	}
	csrf := w.oc.CSRF(t, "/contracts/new")
	v := ctContractValues("CYP-2026-100", w.acorn, w.officer.ID, ctMonthsAgo(1))
	v.Set("_csrf", csrf)
	v.Del("light_touch")
	v.Set("award_procedure", "open")
	v.Set("cpv_codes", "85311300-5, 853113005")
	v.Set("supplier_ppon", "PDLN5395QMNP")
	v.Set("estimated_value", "6,000,000")
	v.Set("maximum_value", "5,500,000")
	ctDate(v, "date_signed", ctMonthsAgo(1))
	ctDate(v, "published_on", ctMonthsAgo(2))
	resp, doc := w.oc.Post(t, "/contracts", v)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	links := summaryLinks(doc)
	for field, want := range map[string]string{
		"#light_touch":   "Select yes if it is a light-touch contract",
		"#cpv_codes":     `"853113005" is not one`,
		"#supplier_ppon": "starting with P",
		"#maximum_value": "same as or more than the estimated value",
		"#published_on":  "same as or after the date signed",
	} {
		if !strings.Contains(links[field], want) {
			t.Errorf("summary link %s = %q, want %q (all %v)", field, links[field], want, links)
		}
		if doc.Find(field+"-error").Length() != 1 {
			t.Errorf("%s has no message of its own", field)
		}
	}
	for id, want := range map[string]string{"cpv_codes": "85311300-5, 853113005", "supplier_ppon": "PDLN5395QMNP", "estimated_value": "6,000,000",
		"maximum_value": "5,500,000"} {
		if got, ok := inputValue(doc, id); !ok || got != want {
			t.Errorf("input %s holds %q, want what was typed, %q", id, got, want)
		}
	}
	if !doc.Find(`input[name="award_procedure"][value="open"]`).Is("[checked]") {
		t.Error("the procedure lost its choice")
	}

	// Put right, the contract is stored and its page shows the notice fields and, being
	// over £5 million and not light touch, warns that it has no KPIs.
	v.Set("light_touch", "no")
	v.Set("cpv_codes", "85311300-5")
	v.Set("supplier_ppon", "pdln-5395-qmnp")
	v.Set("maximum_value", "6,500,000")
	ctDate(v, "published_on", ctMonthsAgo(1))
	resp, doc = w.oc.Post(t, "/contracts", v)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 (%v)", resp.StatusCode, summaryLinks(doc))
	}
	page := location(t, resp).Path
	doc = ctPage(t, w.oc, page)
	for sel, want := range map[string]string{"[data-procedure]": "Open procedure", "[data-light-touch]": "No", "[data-cpv]": "85311300-5",
		"[data-ppon]": "PDLN-5395-QMNP", "[data-estimated-value]": "£6,000,000", "[data-maximum-value]": "£6,500,000"} {
		if got := strings.TrimSpace(doc.Find(sel).Text()); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	warning := doc.Find("[data-kpi-shortfall]").Text()
	if !strings.Contains(warning, "needs at least 3 KPIs and has 0") || !strings.Contains(warning, "0 marked") {
		t.Errorf("warning %q, want the missing KPIs and marks", warning)
	}

	// Three KPIs, all marked most material, meet section 52 and the warning goes.
	id := strings.TrimPrefix(page, "/contracts/")
	for i, name := range []string{"Placement stability", "Education attendance", "Health assessments on time"} {
		f := form(csrf, "name", name, "unit", "%", "measure", "percentage", "target", "95", "direction", "higher",
			"amber_threshold", "90", "red_threshold", "80", "frequency", "monthly")
		if i < 2 {
			f.Set("most_material", "yes")
		}
		if resp, doc := w.oc.Post(t, "/contracts/"+id+"/kpis", f); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add KPI %s: %d %v", name, resp.StatusCode, summaryLinks(doc))
		}
	}
	doc = ctPage(t, w.oc, page)
	if got := doc.Find("[data-kpi-shortfall]").Text(); !strings.Contains(got, "2 marked") || strings.Contains(got, "has 3") {
		t.Errorf("with 3 KPIs, 2 marked, the warning says %q", got)
	}
	if n := doc.Find("[data-most-material]").Length(); n != 2 {
		t.Errorf("%d KPIs tagged most material, want 2", n)
	}
	var third string
	if err := w.s.DB.Get(&third, `SELECT id FROM kpis WHERE contract_id = $1 AND NOT most_material`, id); err != nil {
		t.Fatal(err)
	}
	f := form(csrf, "name", "Health assessments on time", "unit", "%", "measure", "percentage", "target", "95", "direction", "higher",
		"amber_threshold", "90", "red_threshold", "80", "frequency", "monthly", "most_material", "yes", "version", "1")
	if resp, doc := w.oc.Post(t, "/kpis/"+third, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark the third: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	if got := ctPage(t, w.oc, "/kpis/"+third).Find("[data-kpi-most-material]").Text(); !strings.HasPrefix(got, "Yes") {
		t.Errorf("the KPI's page says most material %q", got)
	}
	doc = ctPage(t, w.oc, page)
	if doc.Find("[data-kpi-shortfall]").Length() != 0 {
		t.Errorf("the warning stays when section 52 is met: %q", doc.Find("[data-kpi-shortfall]").Text())
	}
	// A fourth KPI cannot be marked too.
	f = form(csrf, "name", "Complaints answered", "unit", "%", "measure", "percentage", "target", "95", "direction", "higher",
		"amber_threshold", "90", "red_threshold", "80", "frequency", "monthly", "most_material", "yes")
	resp, doc = w.oc.Post(t, "/contracts/"+id+"/kpis", f)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(summaryLinks(doc)["#most_material"], "already marked most material") {
		t.Errorf("a fourth marked KPI: %d %v", resp.StatusCode, summaryLinks(doc))
	}
}

// The world's contract is light touch, so it needs no warning however few KPIs it has; and
// the provider never sees the council's duty.
func TestKPIWarningOnlyWhereSection52Applies(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	if _, err := w.s.DB.Exec(`UPDATE contracts SET estimated_value_pence = 600000000, maximum_value_pence = 600000000 WHERE id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	if doc := ctPage(t, w.oc, "/contracts/"+w.contractID); doc.Find("[data-kpi-shortfall]").Length() != 0 {
		t.Error("a light-touch contract is warned about KPIs")
	}
	if _, err := w.s.DB.Exec(`UPDATE contracts SET light_touch = false WHERE id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	if doc := ctPage(t, w.oc, "/contracts/"+w.contractID); !strings.Contains(doc.Find("[data-kpi-shortfall]").Text(), "has 1") {
		t.Error("a £6 million contract that is not light touch is not warned")
	}
	if doc := ctPage(t, w.acorn.Client, "/provider/contracts/"+w.contractID); doc.Find("[data-kpi-shortfall]").Length() != 0 {
		t.Error("the provider sees the council's KPI warning")
	}
	if _, err := w.s.DB.Exec(`UPDATE contracts SET estimated_value_pence = 500000000 WHERE id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	if doc := ctPage(t, w.oc, "/contracts/"+w.contractID); doc.Find("[data-kpi-shortfall]").Length() != 0 {
		t.Error("a contract of exactly £5 million is warned")
	}
}
