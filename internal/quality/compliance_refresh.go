package quality

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Why a table: the rules decode three JSON sections and count actions, documents and
// returns for each provider. That takes milliseconds for one provider's page, but a directory
// filtered by RAG over 100,000 providers, or a dashboard counting them, cannot run it per row
// on every request. So each provider's result is kept in provider_compliance, indexed by
// rating, and:
//   - RefreshCompliance recomputes every provider in batches from the daily job (ratings move
//     with the date alone: a policy expires, an action falls overdue);
//   - RefreshProvider recomputes one provider in the transaction of any QA change, and other
//     areas may call it when they change what the rules read;
//   - the provider's own pages call CurrentCompliance, which computes it afresh and stores the
//     result when it differs from the row, so a page is never stale and never disagrees
//     with the directory or dashboard after it has been shown;
//   - the record's approval, an accepted section change and an accepted monitoring return
//     re-rate the provider in their own transaction (through the hooks the wiring sets on
//     provider.Service and contract.Service), and a settings change re-rates everyone.
//
// The directory, dashboard and provider page once disagreed because the page computed
// afresh while the row waited for the daily job after an approval, an accepted return or a
// settings change: now the one computation (loadInputs + Evaluate) writes the one row all
// three show, reasons included.

// refreshBatch is how many providers one batch of the refresh reads and writes.
const refreshBatch = 500

// RefreshCompliance recomputes and stores every provider's compliance on today, in batches
// of providers taken in id order (keyset, so each batch is an index range scan). It returns
// how many providers it rated.
func RefreshCompliance(ctx context.Context, d *sqlx.DB, today time.Time) (int, error) {
	s, err := LoadSettings(ctx, d)
	if err != nil {
		return 0, err
	}
	after, total := "00000000-0000-0000-0000-000000000000", 0
	for {
		var ids []string
		if err := d.SelectContext(ctx, &ids, `SELECT id::text FROM organisations WHERE id > $1 ORDER BY id LIMIT $2`, after, refreshBatch); err != nil {
			return total, fmt.Errorf("providers to rate: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		if err := db.Transact(ctx, d, func(tx *sqlx.Tx) error { return refresh(ctx, tx, ids, s, today) }); err != nil {
			return total, err
		}
		total += len(ids)
		after = ids[len(ids)-1]
	}
}

// RefreshProvider recomputes and stores one provider's compliance inside the caller's
// transaction, so the stored rating changes with whatever changed it.
func RefreshProvider(ctx context.Context, tx sqlx.ExtContext, orgID string, today time.Time) error {
	s, err := LoadSettings(ctx, tx)
	if err != nil {
		return err
	}
	return refresh(ctx, tx, []string{orgID}, s, today)
}

// RefreshRating recomputes and stores one provider's compliance on today inside the
// caller's transaction. The wiring hands it to the areas whose changes the rules read (the
// record's approval, accepted monitoring returns), so their changes re-rate the provider at once.
func (s *Service) RefreshRating(ctx context.Context, tx sqlx.ExtContext, orgID string) error {
	return RefreshProvider(ctx, tx, orgID, s.Today())
}

type storedRow struct {
	OrganisationID string   `json:"organisation_id"`
	RAG            RAG      `json:"rag"`
	Reasons        []Reason `json:"reasons"`
}

func refresh(ctx context.Context, q sqlx.ExtContext, ids []string, s Settings, today time.Time) error {
	inputs, err := loadInputs(ctx, q, ids, today)
	if err != nil {
		return err
	}
	rows := make([]storedRow, 0, len(ids))
	for _, id := range ids {
		res := Evaluate(inputs[id], s, today)
		rows = append(rows, storedRow{OrganisationID: id, RAG: res.RAG, Reasons: res.Reasons})
	}
	return store(ctx, q, rows, today)
}

// store writes computed ratings, replacing those stored before.
func store(ctx context.Context, q sqlx.ExecerContext, rows []storedRow, today time.Time) error {
	js, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("encode compliance: %w", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO provider_compliance (organisation_id, rag, reasons, computed_on)
		SELECT r.organisation_id, r.rag, r.reasons, $2 FROM jsonb_to_recordset($1::jsonb) AS r(organisation_id uuid, rag text, reasons jsonb)
		ON CONFLICT (organisation_id) DO UPDATE SET rag = EXCLUDED.rag, reasons = EXCLUDED.reasons,
			computed_on = EXCLUDED.computed_on, computed_at = now()`, string(js), today)
	if err != nil {
		return fmt.Errorf("store compliance: %w", err)
	}
	return nil
}

// CurrentCompliance computes one provider's compliance on today afresh, as Compliance does,
// and stores it when the stored row differs (or was made another day), so what the page
// shows is what the directory and dashboard show. An unknown provider is NotFound. The
// reads run outside a transaction, as almost every view finds the row already right; only
// a view that must store opens one, and computes again inside it.
func CurrentCompliance(ctx context.Context, d *sqlx.DB, orgID string, today time.Time) (Result, error) {
	res, err := Compliance(ctx, d, orgID, today)
	if err != nil {
		return res, err
	}
	if stored, err := StoredCompliance(ctx, d, orgID); err != nil && !apperr.Is(err, apperr.NotFound) {
		return res, err
	} else if storedAgrees(stored, res, today) {
		return res, nil
	}
	err = db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		var err error
		if res, err = Compliance(ctx, tx, orgID, today); err != nil {
			return err
		}
		stored, err := StoredCompliance(ctx, tx, orgID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if storedAgrees(stored, res, today) {
			return nil
		}
		return store(ctx, tx, []storedRow{{OrganisationID: orgID, RAG: res.RAG, Reasons: res.Reasons}}, today)
	})
	return res, err
}

// storedAgrees reports whether the stored row is today's and says what res says.
func storedAgrees(stored *Stored, res Result, today time.Time) bool {
	return stored != nil && stored.ComputedOn.Equal(today) && stored.RAG == res.RAG && reflect.DeepEqual(stored.Reasons, res.Reasons)
}

// Reasons are a stored rating's reasons, read from provider_compliance's JSON column by
// the pages that list providers (the directory, the dashboard), so they show the same
// reasons as the provider's page.
type Reasons []Reason

// Scan decodes the stored JSON; NULL (a provider not rated yet) is no reasons.
func (r *Reasons) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*r = nil
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("reasons: cannot scan %T", src)
	}
	return json.Unmarshal(b, (*[]Reason)(r))
}

// Concerns are the reasons that are not green, worst first as stored.
func (r Reasons) Concerns() []Reason { return Result{Reasons: r}.Concerns() }

// Stored is a provider's compliance as last computed.
type Stored struct {
	Result
	ComputedOn time.Time
	ComputedAt time.Time
}

// StoredCompliance returns a provider's compliance as last computed, or NotFound when it has
// not been computed yet.
func StoredCompliance(ctx context.Context, q sqlx.QueryerContext, orgID string) (*Stored, error) {
	if !db.IsUUID(orgID) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	var row struct {
		RAG        RAG       `db:"rag"`
		Reasons    []byte    `db:"reasons"`
		ComputedOn time.Time `db:"computed_on"`
		ComputedAt time.Time `db:"computed_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT rag, reasons, computed_on, computed_at FROM provider_compliance WHERE organisation_id = $1`, orgID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Compliance not computed yet")
	}
	if err != nil {
		return nil, fmt.Errorf("stored compliance: %w", err)
	}
	out := &Stored{Result: Result{OrganisationID: orgID, RAG: row.RAG, Today: row.ComputedOn}, ComputedOn: row.ComputedOn, ComputedAt: row.ComputedAt}
	if err := json.Unmarshal(row.Reasons, &out.Reasons); err != nil {
		return nil, fmt.Errorf("decode stored compliance: %w", err)
	}
	return out, nil
}

// RAGCount is how many providers have a rating.
type RAGCount struct {
	RAG   RAG `db:"rag"`
	Count int `db:"n"`
}

// RAGCounts counts providers by stored rating, worst first, every rating listed (for the
// dashboard's chart). Providers not yet rated are not counted.
func RAGCounts(ctx context.Context, q sqlx.QueryerContext) ([]RAGCount, error) {
	var rows []RAGCount
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT rag, count(*) AS n FROM provider_compliance GROUP BY rag`); err != nil {
		return nil, fmt.Errorf("count by rating: %w", err)
	}
	out := make([]RAGCount, len(RAGs))
	for i, r := range RAGs {
		out[i].RAG = r
		for _, row := range rows {
			if row.RAG == r {
				out[i].Count = row.Count
			}
		}
	}
	return out, nil
}

// StoredRAGs returns the stored rating of each of a page of providers (for a directory's
// rows); providers not rated yet are absent from the map.
func StoredRAGs(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string]RAG, error) {
	for _, id := range orgIDs {
		if !db.IsUUID(id) {
			return nil, apperr.New(apperr.NotFound, "Provider not found")
		}
	}
	var rows []struct {
		OrgID string `db:"organisation_id"`
		RAG   RAG    `db:"rag"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT organisation_id, rag FROM provider_compliance WHERE organisation_id = ANY($1::uuid[])`,
		pq.Array(orgIDs)); err != nil {
		return nil, fmt.Errorf("stored ratings: %w", err)
	}
	out := make(map[string]RAG, len(rows))
	for _, r := range rows {
		out[r.OrgID] = r.RAG
	}
	return out, nil
}
