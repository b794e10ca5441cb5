package provider

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SharedPhone is another supplier with a phone number also on this one's contacts.
type SharedPhone struct {
	Phone       string `db:"phone"`
	SupplierRef string `db:"supplier_ref"`
	Name        string `db:"name"`
}

// maxSharersShown bounds the other suppliers named for one shared number.
const maxSharersShown = 3

// SharedPhones lists, for each organisation, the other suppliers whose contacts on file
// (key contact or any other) have one of its phone numbers, compared by their digits (a
// leading +44 read as 0). Finance calls a number on file to verify a bank change, so a
// number shared between suppliers is a number a fraudster may answer for all of them. At
// most maxSharersShown others are named for each number.
func SharedPhones(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]SharedPhone, error) {
	out := map[string][]SharedPhone{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Org string `db:"org"`
		SharedPhone
	}
	// One pass over the contacts on file; the asked organisations' numbers (few) are then
	// looked up among them by a hash join.
	err := sqlx.SelectContext(ctx, q, &rows, `
		WITH phones AS MATERIALIZED (
			SELECT s.organisation_id AS org, x.p AS phone,
				regexp_replace(regexp_replace(x.p, '\D', '', 'g'), '^44', '0') AS digits
			FROM provider_sections s,
			LATERAL (
				SELECT coalesce(s.approved_data, s.data)->>'key_contact_phone' AS p
				UNION ALL
				SELECT c->>'phone' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(coalesce(s.approved_data, s.data)->'contacts') = 'array'
					THEN coalesce(s.approved_data, s.data)->'contacts' ELSE '[]'::jsonb END) c
			) x
			WHERE s.section = 'contacts' AND x.p IS NOT NULL),
		-- Each shared number once, with a few of the suppliers holding it: a number on
		-- thousands of records (a head office's) must not make thousands squared rows.
		shared AS (
			SELECT digits, (array_agg(DISTINCT org))[1:`+fmt.Sprint(maxSharersShown+1)+`] AS orgs
			FROM phones WHERE length(digits) >= 10 GROUP BY digits HAVING count(DISTINCT org) > 1),
		mine AS (
			SELECT DISTINCT p.org, p.phone, p.digits FROM phones p JOIN (SELECT DISTINCT unnest($1::uuid[]) AS org) asked ON asked.org = p.org)
		SELECT DISTINCT m.org, m.phone, o.supplier_ref, coalesce(nullif(o.legal_name, ''), o.name) AS name
		FROM mine m JOIN shared sh ON sh.digits = m.digits
		CROSS JOIN LATERAL unnest(sh.orgs) AS other(org)
		JOIN organisations o ON o.id = other.org
		WHERE other.org <> m.org ORDER BY 1, 3`, pq.StringArray(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("shared phone numbers: %w", err)
	}
	for _, r := range rows {
		out[r.Org] = append(out[r.Org], r.SharedPhone)
	}
	return out, nil
}
