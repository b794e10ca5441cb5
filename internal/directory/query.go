package directory

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// The sort keys and the search text, written exactly as migration 00013 indexes them: the
// planner uses an expression index only for the same expression.
const (
	nameKey    = `lower(coalesce(nullif(o.legal_name, ''), o.name))`
	statusRank = `(CASE o.status WHEN 'draft' THEN 1 WHEN 'submitted' THEN 2 WHEN 'resubmitted' THEN 3 WHEN 'changes_requested' THEN 4
		WHEN 'approved' THEN 5 WHEN 'suspended' THEN 6 WHEN 'rejected' THEN 7 ELSE 8 END)`
	searchText = `(coalesce(o.legal_name, '') || ' ' || coalesce(o.trading_name, '') || ' ' || o.name)`
)

// columns are a directory row's, with its name key for the cursor. The rank is added by
// each query.
const columns = `o.id, coalesce(nullif(o.legal_name, ''), o.name) AS display_name, o.trading_name, o.supplier_ref,
	o.status, o.postcode, o.vat_number, o.companies_house_number, o.ofsted_urns, o.cqc_provider_id,
	o.service_categories, o.updated_at, coalesce(pc.rag, '') AS rag, jsonb_path_query_array(pc.reasons, '$[*] ? (@.rag != "green")') AS rag_concerns, ` + nameKey + ` AS sort_name`

// ragRanks are the compliance ratings in the order SortRAG lists them, worst first; the
// index is the cursor's Rank.
var ragRanks = []string{"red", "amber", "green", Unrated}

// query collects the conditions of a statement and their parameters.
type query struct {
	args  []any
	conds []string
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) where(extra ...string) string {
	all := append(append([]string{}, q.conds...), extra...)
	if len(all) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(all, " AND ")
}

// filter adds the conditions of f other than the compliance rating, which each statement
// joins for itself (see ragJoin).
func (q *query) filter(f Filter) {
	if s := ParseSearch(f.Query); s.Text != "" {
		q.search(s)
	}
	if f.Status != "" {
		q.conds = append(q.conds, "o.status = "+q.arg(f.Status))
	}
	if f.Category != "" {
		q.conds = append(q.conds, "o.service_categories @> "+q.arg(pq.StringArray{f.Category}))
	}
	if f.Rating != "" {
		ofsted, _ := json.Marshal(map[string]any{"ofsted": []map[string]string{{"judgement": f.Rating}}})
		cqc, _ := json.Marshal(map[string]any{"cqc_locations": []map[string]string{{"rating": f.Rating}}})
		q.conds = append(q.conds, fmt.Sprintf(`EXISTS (SELECT 1 FROM provider_sections ps WHERE ps.organisation_id = o.id
			AND ps.section = 'regulation' AND (coalesce(ps.approved_data, ps.data) @> %s::jsonb OR coalesce(ps.approved_data, ps.data) @> %s::jsonb))`,
			q.arg(string(ofsted)), q.arg(string(cqc))))
	}
	if f.Framework != "" {
		q.conds = append(q.conds, "EXISTS (SELECT 1 FROM contracts c WHERE c.organisation_id = o.id AND c.framework_name = "+q.arg(f.Framework)+")")
	}
	if f.Route != "" {
		q.conds = append(q.conds, "EXISTS (SELECT 1 FROM contracts c WHERE c.organisation_id = o.id AND c.procurement_route = "+q.arg(f.Route)+")")
	}
}

// search matches the name text or any identifier the query reads as. Each alternative has
// its own index, so PostgreSQL combines them (a BitmapOr) rather than reading every row.
func (q *query) search(s Search) {
	alts := []string{searchText + " ILIKE " + q.arg("%"+escapeLike(s.Text)+"%")}
	eq := func(col, v string) {
		if v != "" {
			alts = append(alts, col+" = "+q.arg(v))
		}
	}
	eq("o.postcode", s.Postcode)
	if s.OutwardCode != "" {
		alts = append(alts, "o.postcode LIKE "+q.arg(s.OutwardCode+" %"))
	}
	eq("o.vat_number", s.VAT)
	eq("o.companies_house_number", s.CompanyNumber)
	eq("o.cqc_provider_id", s.CQCID)
	eq("o.supplier_ref", s.SupplierRef)
	if s.OfstedURN != "" {
		alts = append(alts, "o.ofsted_urns @> "+q.arg(pq.StringArray{s.OfstedURN}))
	}
	q.conds = append(q.conds, "("+strings.Join(alts, " OR ")+")")
}

// ragJoin joins the stored compliance rating: every row (a LEFT JOIN) when rag is "", else
// only the providers with that rating, or with none for Unrated, whose condition it returns
// (empty for the others).
func (q *query) ragJoin(rag string) (join string, cond []string) {
	switch rag {
	case "":
		return ` LEFT JOIN provider_compliance pc ON pc.organisation_id = o.id`, nil
	case Unrated:
		return ` LEFT JOIN provider_compliance pc ON pc.organisation_id = o.id`, []string{"pc.organisation_id IS NULL"}
	}
	return ` JOIN provider_compliance pc ON pc.organisation_id = o.id AND pc.rag = ` + q.arg(rag), nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
