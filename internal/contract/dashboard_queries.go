package contract

// Reads for the officers' views across contracts (internal/web provider_overview.go): a
// provider's KPIs with their latest values, in a fixed number of queries however many
// contracts and KPIs the provider has.

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// KPISummary is a KPI with its contract, its latest value and how many of its returns are
// overdue.
type KPISummary struct {
	KPI
	ContractReference string `db:"contract_reference"`
	ContractTitle     string `db:"contract_title"`
	// Latest is the return of the latest period with an accepted value; nil before the first.
	Latest  *MonitoringReturn `db:"-"`
	Overdue int               `db:"-"`
}

// LatestRAG rates the latest accepted value; NoRAG before the first.
func (k KPISummary) LatestRAG() RAG {
	if k.Latest == nil {
		return NoRAG
	}
	return k.Latest.AcceptedRAG()
}

// KPISummaries lists the KPIs of the contracts given, by contract reference and KPI name,
// each with its latest accepted value and its overdue returns as of today.
func KPISummaries(ctx context.Context, q sqlx.QueryerContext, contractIDs []string, today time.Time) ([]KPISummary, error) {
	ids := make([]string, 0, len(contractIDs))
	for _, id := range contractIDs {
		if db.IsUUID(id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var out []KPISummary
	contractIs, contractArg := db.InIDs("contract_id", "$1", ids)
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT k.*, c.reference AS contract_reference, c.title AS contract_title
		FROM (SELECT `+kpiColumns+` FROM kpis WHERE `+contractIs+`) k JOIN contracts c ON c.id = k.contract_id
		ORDER BY upper(c.reference), lower(k.name)`, contractArg); err != nil {
		return nil, fmt.Errorf("kpi summaries: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	kpiIDs := make([]string, len(out))
	byID := make(map[string]*KPISummary, len(out))
	for i := range out {
		kpiIDs[i], byID[out[i].ID] = out[i].ID, &out[i]
	}
	kpiIs, kpiArg := db.InIDs("r.kpi_id", "$1", kpiIDs)
	var latest []MonitoringReturn
	if err := sqlx.SelectContext(ctx, q, &latest, `SELECT DISTINCT ON (r.kpi_id) `+returnColumns+returnFrom+`
		WHERE `+kpiIs+` AND (`+acceptedValue+`) IS NOT NULL ORDER BY r.kpi_id, r.period_start DESC`, kpiArg); err != nil {
		return nil, fmt.Errorf("latest returns: %w", err)
	}
	for i := range latest {
		latest[i].Today = dateOf(today)
		byID[latest[i].KPIID].Latest = &latest[i]
	}
	var overdue []struct {
		KPIID string `db:"kpi_id"`
		N     int    `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &overdue, `SELECT r.kpi_id, count(*) AS n FROM monitoring_returns r
		JOIN kpis k ON k.id = r.kpi_id JOIN contracts c ON c.id = k.contract_id
		WHERE `+kpiIs+` AND r.status = 'due' AND r.due_date < $2::date AND c.status IN ('active','ended')
		GROUP BY r.kpi_id`, kpiArg, dateOf(today).Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("overdue returns by kpi: %w", err)
	}
	for _, o := range overdue {
		byID[o.KPIID].Overdue = o.N
	}
	return out, nil
}
