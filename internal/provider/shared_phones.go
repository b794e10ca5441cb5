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

// SharedPhones lists, for each organisation, the other suppliers whose contacts on file
// (key contact or any other) have one of its phone numbers, compared by their digits (a
// leading +44 read as 0). Finance calls a number on file to verify a bank change, so a
// number shared between suppliers is a number a fraudster may answer for all of them.
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
		mine AS (
			SELECT DISTINCT p.org, p.phone, p.digits FROM phones p JOIN (SELECT DISTINCT unnest($1::uuid[]) AS org) asked ON asked.org = p.org
			WHERE length(p.digits) >= 10)
		SELECT DISTINCT m.org, m.phone, o.supplier_ref, coalesce(nullif(o.legal_name, ''), o.name) AS name
		FROM mine m JOIN phones b ON b.digits = m.digits AND b.org <> m.org
		JOIN organisations o ON o.id = b.org ORDER BY 1, 3`, pq.StringArray(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("shared phone numbers: %w", err)
	}
	for _, r := range rows {
		out[r.Org] = append(out[r.Org], r.SharedPhone)
	}
	return out, nil
}
