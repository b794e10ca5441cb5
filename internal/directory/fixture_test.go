package directory_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/dbtest"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// org is a provider organisation as the tests need it; empty fields stay NULL or default.
type org struct {
	name, legal, trading, status              string
	postcode, vat, company, cqc               string
	urns, categories                          []string
	rag                                       string // stored compliance rating; "" for not rated
	ofstedJudgement, cqcRating                string // in the regulation section
	framework, route                          string // of one contract
	updated                                   time.Time
	approvedRegulation, workingOnlyRegulation bool
}

// insertOrg stores an organisation with its search columns, compliance, regulation section
// and a contract, and returns its id.
func insertOrg(t testing.TB, d *sqlx.DB, o org) string {
	t.Helper()
	if o.status == "" {
		o.status = "approved"
	}
	if o.updated.IsZero() {
		o.updated = time.Now()
	}
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	if o.urns == nil {
		o.urns = []string{}
	}
	if o.categories == nil {
		o.categories = []string{}
	}
	var id string
	err := d.Get(&id, `INSERT INTO organisations (name, legal_name, trading_name, status, postcode, vat_number, companies_house_number,
		cqc_provider_id, ofsted_urns, service_categories, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		o.name, nullable(o.legal), nullable(o.trading), o.status, nullable(o.postcode), nullable(o.vat), nullable(o.company),
		nullable(o.cqc), pq.StringArray(o.urns), pq.StringArray(o.categories), o.updated)
	if err != nil {
		t.Fatalf("insert %s: %v", o.name, err)
	}
	if o.rag != "" {
		if _, err := d.Exec(`INSERT INTO provider_compliance (organisation_id, rag, reasons, computed_on) VALUES ($1, $2, '[]', current_date)`, id, o.rag); err != nil {
			t.Fatal(err)
		}
	}
	if o.ofstedJudgement != "" || o.cqcRating != "" {
		reg := map[string]any{"ofsted_registered": "no", "cqc_registered": "no"}
		if o.ofstedJudgement != "" {
			reg["ofsted_registered"] = "yes"
			reg["ofsted"] = []map[string]any{{"urn": "SC000001", "judgement": o.ofstedJudgement}}
		}
		if o.cqcRating != "" {
			reg["cqc_registered"] = "yes"
			reg["cqc_locations"] = []map[string]any{{"location_id": "1-000000001", "rating": o.cqcRating}}
		}
		js, _ := json.Marshal(reg)
		approved := any(string(js))
		if o.workingOnlyRegulation {
			approved = nil
		}
		if _, err := d.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, 'regulation', $2, $3)`,
			id, string(js), approved); err != nil {
			t.Fatal(err)
		}
	}
	if o.framework != "" || o.route != "" {
		route := o.route
		if route == "" {
			route = "framework"
		}
		if _, err := d.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, framework_name,
			start_date, end_date, total_value_pence, annual_value_pence, status)
			VALUES ($1, 'Placements', $2, 'childrens_homes', $3, $4, '2025-04-01', '2027-03-31', 100000, 50000, 'active')`,
			fmt.Sprintf("C-%s", id[:8]), id, route, o.framework); err != nil {
			t.Fatal(err)
		}
	}
	return id
}
