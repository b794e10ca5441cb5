package contract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
)

// KPI is a key performance indicator a contract is monitored by.
type KPI struct {
	ID         string    `db:"id"`
	ContractID string    `db:"contract_id"`
	Name       string    `db:"name"`
	Unit       string    `db:"unit"`
	Measure    Measure   `db:"measure"`
	Target     float64   `db:"target"`
	Direction  Direction `db:"direction"`
	Amber      float64   `db:"amber_threshold"`
	Red        float64   `db:"red_threshold"`
	Frequency  Frequency `db:"frequency"`
	// MostMaterial marks one of the three KPIs most material to the contract, which its
	// notices publish (Procurement Act 2023, section 52).
	MostMaterial bool      `db:"most_material"`
	Version      int       `db:"version"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

// Rate is v's rating against the KPI's boundaries.
func (k *KPI) Rate(v float64) RAG { return Rate(v, k.Direction, k.Amber, k.Red) }

// MeetsTarget reports whether v reaches the target: at or above it when higher is better,
// at or below it when lower is better. A green rating alone does not say so, since the
// amber boundary may sit short of the target.
func (k *KPI) MeetsTarget(v float64) bool {
	if k.Direction == LowerIsBetter {
		return v <= k.Target
	}
	return v >= k.Target
}

// Format shows a figure with the KPI's unit: "95%", "12 days".
func (k *KPI) Format(v float64) string { return withUnit(FormatNumber(v), k.Unit) }

// TargetText is the target with its unit.
func (k *KPI) TargetText() string { return k.Format(k.Target) }

// AmberText and RedText describe the boundaries in words.
func (k *KPI) AmberText() string { return k.boundaryText(k.Amber) }
func (k *KPI) RedText() string   { return k.boundaryText(k.Red) }

func (k *KPI) boundaryText(v float64) string {
	if k.Direction == LowerIsBetter {
		return "above " + k.Format(v)
	}
	return "below " + k.Format(v)
}

func withUnit(n, unit string) string {
	switch {
	case unit == "":
		return n
	case unit == "%":
		return n + "%"
	case unit == "£":
		return "£" + n
	}
	return n + " " + unit
}

// KPIDirections are the options of the KPI form.
var KPIDirections = []provider.Option{
	{Value: string(HigherIsBetter), Label: "Higher is better (like the percentage of visits on time)"},
	{Value: string(LowerIsBetter), Label: "Lower is better (like the number of missing-from-care incidents)"},
}

// KPIForm is the KPI form as typed.
type KPIForm struct {
	Name      string `form:"name" validate:"required,max=200" label:"the KPI's name"`
	Unit      string `form:"unit" validate:"required,max=50" label:"the unit"`
	Measure   string `form:"measure" label:"what a value is"`
	Target    string `form:"target" label:"the target"`
	Direction string `form:"direction" label:"which way is better"`
	Amber     string `form:"amber_threshold" label:"the amber boundary"`
	Red       string `form:"red_threshold" label:"the red boundary"`
	Frequency string `form:"frequency" label:"how often it is reported"`
	// MostMaterial is "yes" when the box "one of the three most material" is ticked.
	MostMaterial string `form:"most_material" label:"whether it is one of the three most material KPIs"`
}

// KPIFormOrder is the order of the form's fields, for the error summary.
var KPIFormOrder = []string{"name", "measure", "unit", "target", "direction", "amber_threshold", "red_threshold", "frequency", "most_material"}

// KPIFormOf fills the form from a KPI, for editing.
func KPIFormOf(k *KPI) KPIForm {
	return KPIForm{Name: k.Name, Unit: k.Unit, Measure: string(k.Measure), Target: FormatNumber(k.Target), Direction: string(k.Direction),
		Amber: FormatNumber(k.Amber), Red: FormatNumber(k.Red), Frequency: string(k.Frequency), MostMaterial: yesIf(k.MostMaterial)}
}

func yesIf(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

// MostMaterialOptions is the single box of the KPI form.
var MostMaterialOptions = []provider.Option{{Value: "yes", Label: "This is one of the 3 KPIs most material to the contract"}}

// MaxMostMaterial is how many KPIs a contract's notices publish as most material.
const MaxMostMaterial = 3

// checkMostMaterial refuses a fourth KPI marked most material on a contract; the caller
// holds the contract's lock, so two editors cannot each mark a third.
func checkMostMaterial(ctx context.Context, tx *sqlx.Tx, contractID, exceptID string, k *KPI) error {
	if !k.MostMaterial {
		return nil
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM kpis WHERE contract_id = $1 AND most_material AND id::text <> $2`,
		contractID, exceptID); err != nil {
		return fmt.Errorf("most material kpis: %w", err)
	}
	if n >= MaxMostMaterial {
		return apperr.InvalidFields(map[string]string{"most_material": "3 other KPIs are already marked most material. Untick one of them first"})
	}
	return nil
}

// validate checks the form and returns the KPI it describes.
func (f *KPIForm) validate() (KPI, map[string]string) {
	errs := apperr.FieldsOf(validate.Struct(f))
	if errs == nil {
		errs = map[string]string{}
	}
	k := KPI{Name: f.Name, Unit: f.Unit, Measure: Measure(f.Measure), Direction: Direction(f.Direction), Frequency: Frequency(f.Frequency),
		MostMaterial: f.MostMaterial == "yes"}
	if f.MostMaterial != "" && f.MostMaterial != "yes" {
		errs["most_material"] = "Tick the box only if this is one of the 3 most material KPIs"
	}
	var msg string
	if k.Target, msg = ParseNumber(f.Target, "the target"); msg != "" {
		errs["target"] = msg
	}
	if !hasOption(KPIDirections, f.Direction) {
		errs["direction"] = "Select whether higher or lower values are better"
	}
	if k.Amber, msg = ParseNumber(f.Amber, "the amber boundary"); msg != "" {
		errs["amber_threshold"] = msg
	}
	if k.Red, msg = ParseNumber(f.Red, "the red boundary"); msg != "" {
		errs["red_threshold"] = msg
	}
	if !hasOption(Frequencies, f.Frequency) {
		errs["frequency"] = "Select how often the KPI is reported"
	}
	if !hasOption(Measures, f.Measure) {
		errs["measure"] = "Select what a value of the KPI is"
	} else {
		if field, msg := k.Measure.unitProblem(f.Unit); msg != "" && errs[field] == "" {
			errs[field] = msg
		}
		// The target and boundaries are values of the KPI too: a 120% target could never be met.
		for _, b := range []struct {
			field, label string
			v            float64
		}{{"target", "the target", k.Target}, {"amber_threshold", "the amber boundary", k.Amber}, {"red_threshold", "the red boundary", k.Red}} {
			if errs[b.field] == "" {
				if msg := k.Measure.Check(b.v, b.label); msg != "" {
					errs[b.field] = msg
				}
			}
		}
	}
	if errs["target"] == "" && errs["direction"] == "" && errs["amber_threshold"] == "" && errs["red_threshold"] == "" {
		worse, better := "below", "above"
		if k.Direction == LowerIsBetter {
			worse, better = "above", "below"
		}
		switch {
		case Rate(k.Target, k.Direction, k.Amber, k.Amber) != Green:
			errs["amber_threshold"] = fmt.Sprintf("The amber boundary must not be %s the target: meeting the target is green", better)
		case Rate(k.Amber, k.Direction, k.Red, k.Red) != Green:
			errs["red_threshold"] = fmt.Sprintf("The red boundary must be %s the amber boundary, or the same", worse)
		}
	}
	return k, errs
}

const kpiColumns = `id, contract_id, name, unit, measure, target, direction, amber_threshold, red_threshold, frequency, most_material, version, created_at, updated_at`

// KPIs lists a contract's KPIs by name.
func KPIs(ctx context.Context, q sqlx.QueryerContext, contractID string) ([]KPI, error) {
	var out []KPI
	if !db.IsUUID(contractID) {
		return nil, nil
	}
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT `+kpiColumns+` FROM kpis WHERE contract_id = $1 ORDER BY lower(name)`, contractID); err != nil {
		return nil, fmt.Errorf("kpis: %w", err)
	}
	return out, nil
}

// KPIByID returns a KPI, or NotFound. Callers check the reader may see its contract.
func KPIByID(ctx context.Context, q sqlx.QueryerContext, id string) (*KPI, error) {
	return kpiWhere(ctx, q, `id = $1`, id)
}

func kpiWhere(ctx context.Context, q sqlx.QueryerContext, where, id string) (*KPI, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "KPI not found")
	}
	var k KPI
	err := sqlx.GetContext(ctx, q, &k, `SELECT `+kpiColumns+` FROM kpis WHERE `+where, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "KPI not found")
	}
	if err != nil {
		return nil, fmt.Errorf("kpi: %w", err)
	}
	return &k, nil
}

// CreateKPI adds a KPI to a contract and makes a monitoring return for each of its periods.
func (svc *Service) CreateKPI(ctx context.Context, contractID string, f KPIForm) (*KPI, error) {
	k, errs := f.validate()
	if len(errs) > 0 {
		return nil, apperr.InvalidFields(errs)
	}
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		c, err := lockContract(ctx, tx, contractID)
		if err != nil {
			return err
		}
		if err := uniqueKPIName(ctx, tx, contractID, "", k.Name); err != nil {
			return err
		}
		if err := checkMostMaterial(ctx, tx, contractID, "", &k); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &k, `INSERT INTO kpis (contract_id, name, unit, measure, target, direction, amber_threshold, red_threshold, frequency, most_material)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+kpiColumns,
			contractID, k.Name, k.Unit, k.Measure, k.Target, k.Direction, k.Amber, k.Red, k.Frequency, k.MostMaterial); err != nil {
			return fmt.Errorf("create kpi: %w", err)
		}
		settings, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if err := syncPeriods(ctx, tx, &k, c.StartDate, c.EndDate, settings.ReturnDueDays); err != nil {
			return err
		}
		if err := syncAssessmentDue(ctx, tx, contractID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.kpi.created", ObjectType: "contract", ObjectID: contractID,
			Summary: map[string]any{"kpi_id": k.ID, "kpi": kpiSummary(&k)}})
	})
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// UpdateKPI changes a KPI. version is the one the editor read; a mismatch is a Conflict.
// The frequency cannot change once returns have been made, since their periods would move.
func (svc *Service) UpdateKPI(ctx context.Context, id string, version int, f KPIForm) error {
	next, errs := f.validate()
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		k, err := kpiWhere(ctx, tx, `id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if k.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this KPI while you were editing it. Open it again to see their changes")
		}
		c, err := lockContract(ctx, tx, k.ContractID)
		if err != nil {
			return err
		}
		if err := uniqueKPIName(ctx, tx, k.ContractID, k.ID, next.Name); err != nil {
			return err
		}
		if err := checkMostMaterial(ctx, tx, k.ContractID, k.ID, &next); err != nil {
			return err
		}
		before := kpiSummary(k)
		if _, err := tx.ExecContext(ctx, `UPDATE kpis SET name = $2, unit = $3, target = $4, direction = $5, amber_threshold = $6,
			red_threshold = $7, frequency = $8, measure = $9, most_material = $10, version = version + 1, updated_at = now() WHERE id = $1`,
			id, next.Name, next.Unit, next.Target, next.Direction, next.Amber, next.Red, next.Frequency, next.Measure, next.MostMaterial); err != nil {
			return fmt.Errorf("update kpi: %w", err)
		}
		next.ID = k.ID
		if next.Measure != k.Measure {
			if err := valuesFit(ctx, tx, &next); err != nil {
				return err
			}
		}
		if next.Frequency != k.Frequency {
			// Every period would change, so no return may have been made yet.
			var made int
			if err := tx.GetContext(ctx, &made, `SELECT count(*) FROM monitoring_returns WHERE kpi_id = $1 AND status <> 'due'`, k.ID); err != nil {
				return fmt.Errorf("returns made: %w", err)
			}
			if made > 0 {
				return apperr.InvalidFields(map[string]string{"frequency": "The frequency cannot change: returns have already been made for this KPI"})
			}
			settings, err := LoadSettings(ctx, tx)
			if err != nil {
				return err
			}
			if err := syncPeriods(ctx, tx, &next, c.StartDate, c.EndDate, settings.ReturnDueDays); err != nil {
				return err
			}
		}
		if err := syncAssessmentDue(ctx, tx, k.ContractID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.kpi.updated", ObjectType: "contract", ObjectID: k.ContractID,
			Summary: map[string]any{"kpi_id": k.ID, "changes": changes(before, kpiSummary(&next))}})
	})
}

// valuesFit refuses a new measure that a value already returned for the KPI does not fit:
// the returns would hold figures the KPI says are impossible.
func valuesFit(ctx context.Context, tx *sqlx.Tx, k *KPI) error {
	var made []struct {
		Start time.Time `db:"period_start"`
		Value float64   `db:"value"`
	}
	if err := tx.SelectContext(ctx, &made, `SELECT period_start, value FROM monitoring_returns WHERE kpi_id = $1 AND value IS NOT NULL
		ORDER BY period_start`, k.ID); err != nil {
		return fmt.Errorf("values of kpi: %w", err)
	}
	for _, r := range made {
		if msg := k.Measure.Check(r.Value, "a value"); msg != "" {
			return apperr.InvalidFields(map[string]string{"measure": fmt.Sprintf("The measure cannot change to %s: the return for the period from %s has the value %s. %s",
				strings.ToLower(k.Measure.Label()), r.Start.Format("2 January 2006"), FormatNumber(r.Value), msg)})
		}
	}
	return nil
}

func uniqueKPIName(ctx context.Context, tx *sqlx.Tx, contractID, exceptID, name string) error {
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM kpis WHERE contract_id = $1 AND lower(name) = lower($2) AND id::text <> $3`,
		contractID, name, exceptID); err != nil {
		return fmt.Errorf("kpi name: %w", err)
	}
	if n > 0 {
		return apperr.InvalidFields(map[string]string{"name": "This contract already has a KPI with this name"})
	}
	return nil
}

// kpiSummary is a KPI as the audit trail records it.
func kpiSummary(k *KPI) map[string]string {
	return map[string]string{"name": k.Name, "unit": k.Unit, "measure": string(k.Measure), "target": FormatNumber(k.Target), "direction": string(k.Direction),
		"amber_threshold": FormatNumber(k.Amber), "red_threshold": FormatNumber(k.Red), "frequency": string(k.Frequency), "most_material": yesIf(k.MostMaterial)}
}

// changes lists the keys whose values differ: {"key": {"from": a, "to": b}}.
func changes(before, after map[string]string) map[string]any {
	out := map[string]any{}
	for k, b := range before {
		if a := after[k]; a != b {
			out[k] = map[string]string{"from": b, "to": a}
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok && a != "" {
			out[k] = map[string]string{"from": "", "to": a}
		}
	}
	return out
}

// errReturnsMade says a change would move or drop periods that already have a return.
var errReturnsMade = errors.New("returns have been made for periods the change would move or remove")

// syncPeriods makes the KPI's monitoring return rows match its contract's term: a row for
// each period, due dueDays after the period ends. Rows not yet made that no longer fit
// are removed; a made return whose period would go refuses the change (errReturnsMade).
func syncPeriods(ctx context.Context, tx *sqlx.Tx, k *KPI, start, end time.Time, dueDays int) error {
	var existing []struct {
		ID     string    `db:"id"`
		Start  time.Time `db:"period_start"`
		End    time.Time `db:"period_end"`
		Status string    `db:"status"`
	}
	if err := tx.SelectContext(ctx, &existing, `SELECT id, period_start, period_end, status FROM monitoring_returns WHERE kpi_id = $1 FOR UPDATE`, k.ID); err != nil {
		return fmt.Errorf("periods of kpi: %w", err)
	}
	want := map[string]Period{}
	for _, p := range Periods(start, end, k.Frequency) {
		want[p.Start.Format(time.DateOnly)] = p
	}
	var drop []string
	for _, r := range existing {
		p, ok := want[dateOf(r.Start).Format(time.DateOnly)]
		made := r.Status != string(ReturnDue)
		switch {
		case ok && made && p.End.Before(dateOf(r.End)):
			return errReturnsMade // a made return's period may grow (an extension), never shrink
		case ok:
			continue
		case made:
			return errReturnsMade
		}
		drop = append(drop, r.ID)
	}
	if len(drop) > 0 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM monitoring_returns WHERE id = ANY($1::uuid[])`, stringArray(drop)); err != nil {
			return fmt.Errorf("drop periods: %w", err)
		}
	}
	var starts, ends []string
	for key, p := range want {
		starts, ends = append(starts, key), append(ends, p.End.Format(time.DateOnly))
	}
	// One statement moves the ends (the last period follows the contract's end date) and due
	// dates of the rows kept, and adds the rows missing. A made return keeps its due date.
	_, err := tx.ExecContext(ctx, `INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date)
		SELECT $1, s::date, e::date, e::date + $4::int FROM unnest($2::text[], $3::text[]) AS p(s, e)
		ON CONFLICT (kpi_id, period_start) DO UPDATE SET period_end = EXCLUDED.period_end,
			due_date = CASE WHEN monitoring_returns.status = 'due' THEN EXCLUDED.due_date ELSE greatest(monitoring_returns.due_date, EXCLUDED.period_end) END,
			updated_at = CASE WHEN monitoring_returns.period_end = EXCLUDED.period_end AND monitoring_returns.due_date = EXCLUDED.due_date
				THEN monitoring_returns.updated_at ELSE now() END`,
		k.ID, stringArray(starts), stringArray(ends), dueDays)
	if err != nil {
		return fmt.Errorf("make periods: %w", err)
	}
	return nil
}
