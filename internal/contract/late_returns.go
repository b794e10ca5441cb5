package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// LateReturns are one provider's monitoring returns still not made after their due date.
type LateReturns struct {
	Count     int       `db:"n"`
	OldestDue time.Time `db:"oldest"`
}

// LateReturnsByProvider counts, for each of the organisations given, the monitoring returns
// still due after their due date on contracts past their draft (active or ended), with the
// oldest due date: what the compliance rules call late returns. An organisation with none
// is not in the map.
func LateReturnsByProvider(ctx context.Context, q sqlx.QueryerContext, today time.Time, orgIDs []string) (map[string]LateReturns, error) {
	valid := make([]string, 0, len(orgIDs))
	for _, id := range orgIDs {
		if db.IsUUID(id) {
			valid = append(valid, id)
		}
	}
	out := map[string]LateReturns{}
	if len(valid) == 0 {
		return out, nil
	}
	var rows []struct {
		OrgID string `db:"organisation_id"`
		LateReturns
	}
	orgIs, ids := db.InIDs("c.organisation_id", "$1", valid)
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT c.organisation_id::text AS organisation_id, count(*) AS n, min(r.due_date) AS oldest
		FROM monitoring_returns r JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
		WHERE `+orgIs+` AND c.status IN ('active', 'ended') AND r.status = 'due' AND r.due_date < $2::date
		GROUP BY c.organisation_id`, ids, dateOf(today).Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("late returns: %w", err)
	}
	for _, r := range rows {
		out[r.OrgID] = r.LateReturns
	}
	return out, nil
}

// KPIRating is a KPI's latest accepted value and its rating, for the compliance rules.
type KPIRating struct {
	ContractReference string
	KPIName           string
	ValueText         string
	PeriodEnd         time.Time
	RAG               RAG
}

// LatestKPIRatingsByProvider returns, for each of the organisations given, every KPI on its
// contracts past their draft (active or ended) with the rating of its latest accepted value,
// by contract reference and KPI name. A KPI with no accepted value yet is left out, and so is
// an organisation with none.
func LatestKPIRatingsByProvider(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]KPIRating, error) {
	valid := make([]string, 0, len(orgIDs))
	for _, id := range orgIDs {
		if db.IsUUID(id) {
			valid = append(valid, id)
		}
	}
	out := map[string][]KPIRating{}
	if len(valid) == 0 {
		return out, nil
	}
	var rows []MonitoringReturn
	orgIs, ids := db.InIDs("c.organisation_id", "$1", valid)
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT * FROM (SELECT DISTINCT ON (r.kpi_id) `+returnColumns+returnFrom+`
		WHERE `+orgIs+` AND c.status IN ('active', 'ended') AND (`+acceptedValue+`) IS NOT NULL
		ORDER BY r.kpi_id, r.period_start DESC) latest ORDER BY upper(contract_reference), lower(kpi_name)`, ids); err != nil {
		return nil, fmt.Errorf("latest kpi ratings: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		out[r.OrganisationID] = append(out[r.OrganisationID], KPIRating{ContractReference: r.ContractReference, KPIName: r.KPIName,
			ValueText: r.AcceptedValueText(), PeriodEnd: dateOf(r.PeriodEnd), RAG: r.AcceptedRAG()})
	}
	return out, nil
}
