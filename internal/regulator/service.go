package regulator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RefreshFunc recomputes one provider's stored compliance inside the caller's transaction:
// quality.RefreshProvider, which the wiring passes in because compliance reads this
// package's judgements and so sits above it.
type RefreshFunc func(ctx context.Context, tx sqlx.ExtContext, orgID string, today time.Time) error

// Service checks and applies regulators' files.
type Service struct {
	DB *sqlx.DB
	// Refresh recomputes a provider's compliance when its published judgement changes.
	Refresh RefreshFunc
	// BaseURL makes the links in emails.
	BaseURL *url.URL
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

func (s *Service) today() time.Time {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	t := now().In(london)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Check is a file read and matched: what applying it would record and change.
type Check struct {
	ID        string // empty for a check that was not kept (a command line dry run)
	Source    Source
	FileName  string
	RowsRead  int
	Unmatched int
	// Skipped counts rows without an identifier or judgement, or that could not be read;
	// Problems describes the first of the unreadable ones.
	Skipped   int
	Problems  []string
	Matches   []Match
	Applied   bool
	CheckedAt time.Time
	AppliedAt time.Time
}

// Changes are the matched rows that differ from the last published judgement.
func (c *Check) Changes() []Match { return c.filter(func(m Match) bool { return m.Change() != "" }) }

// Falls are the matched rows whose judgement fell.
func (c *Check) Falls() []Match { return c.filter(Match.Fell) }

// Disagreements are the matched rows where a provider's own rating is not the regulator's.
func (c *Check) Disagreements() []Match { return c.filter(Match.Disagrees) }

func (c *Check) filter(keep func(Match) bool) []Match {
	var out []Match
	for _, m := range c.Matches {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// CheckFile reads and matches a published file and reports what applying it would change,
// changing nothing. With keep, the check is stored (and audited) so an officer can look at it
// and then apply it; without, nothing at all is written: the command line's dry run.
func (s *Service) CheckFile(ctx context.Context, source Source, fileName string, content []byte, keep bool) (*Check, error) {
	if fileName = CleanText(fileName, 300); fileName == "" {
		fileName = "unnamed file"
	}
	f, err := Parse(source, content)
	if err != nil {
		return nil, err
	}
	matches, unmatched, err := matchRows(ctx, s.DB, source, f.Rows)
	if err != nil {
		return nil, err
	}
	c := &Check{Source: source, FileName: fileName, RowsRead: f.RowsRead, Unmatched: unmatched, Skipped: f.Skipped,
		Problems: f.Problems, Matches: matches}
	if err := compare(ctx, s.DB, source, c.Matches); err != nil {
		return nil, err
	}
	if !keep {
		return c, nil
	}
	sum := sha256.Sum256(content)
	stored, err := json.Marshal(storedCheck{Matches: matches, Skipped: f.Skipped, Problems: f.Problems})
	if err != nil {
		return nil, fmt.Errorf("encode check: %w", err)
	}
	err = db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &c.ID, `INSERT INTO regulator_imports (source, file_name, file_sha256, rows_read, unmatched, matched, checked_by)
			VALUES ($1, $2, $3, $4, $5, $6, nullif($7, '')::uuid) RETURNING id`,
			source, fileName, hex.EncodeToString(sum[:]), f.RowsRead, unmatched, string(stored), audit.ActorFrom(ctx).UserID); err != nil {
			return fmt.Errorf("store check: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "regulator.import.check", ObjectType: "regulator_import", ObjectID: c.ID,
			Summary: map[string]any{"source": string(source), "file": fileName, "rows": f.RowsRead, "matched": len(matches),
				"unmatched": unmatched, "changes": len(c.Changes()), "falls": len(c.Falls())}})
	})
	if err != nil {
		return nil, err
	}
	c.CheckedAt = s.today()
	return c, nil
}

// storedCheck is what a kept check remembers of its file: the matched rows, not the file.
type storedCheck struct {
	Matches  []Match  `json:"matches"`
	Skipped  int      `json:"skipped"`
	Problems []string `json:"problems"`
}

// Import returns a kept check, compared with the judgements in force now (or, once applied,
// as it was applied). An unknown id is NotFound.
func (s *Service) Import(ctx context.Context, id string) (*Check, error) {
	return s.load(ctx, s.DB, id, false)
}

func (s *Service) load(ctx context.Context, q sqlx.QueryerContext, id string, lock bool) (*Check, error) {
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Regulator file not found")
	}
	var row struct {
		Source    Source     `db:"source"`
		FileName  string     `db:"file_name"`
		RowsRead  int        `db:"rows_read"`
		Unmatched int        `db:"unmatched"`
		Matched   []byte     `db:"matched"`
		Status    string     `db:"status"`
		CheckedAt time.Time  `db:"checked_at"`
		AppliedAt *time.Time `db:"applied_at"`
	}
	query := `SELECT source, file_name, rows_read, unmatched, matched, status, checked_at, applied_at FROM regulator_imports WHERE id = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &row, query, id); err != nil {
		if db.IsNoRows(err) {
			return nil, apperr.New(apperr.NotFound, "Regulator file not found")
		}
		return nil, fmt.Errorf("regulator import: %w", err)
	}
	var st storedCheck
	if err := json.Unmarshal(row.Matched, &st); err != nil {
		return nil, fmt.Errorf("decode regulator import: %w", err)
	}
	c := &Check{ID: id, Source: row.Source, FileName: row.FileName, RowsRead: row.RowsRead, Unmatched: row.Unmatched,
		Skipped: st.Skipped, Problems: st.Problems, Matches: st.Matches, Applied: row.Status == "applied", CheckedAt: row.CheckedAt}
	if row.AppliedAt != nil {
		c.AppliedAt = *row.AppliedAt
	}
	if c.Applied {
		if err := s.appliedComparison(ctx, q, c); err != nil {
			return nil, err
		}
		return c, nil
	}
	return c, compare(ctx, q, c.Source, c.Matches)
}

// appliedComparison compares an applied file's rows with what was in force before it, so its
// page keeps showing what it changed.
func (s *Service) appliedComparison(ctx context.Context, q sqlx.QueryerContext, c *Check) error {
	if err := compare(ctx, q, c.Source, c.Matches); err != nil {
		return err
	}
	var before []publishedRow
	ids := make([]string, 0, len(c.Matches))
	for _, m := range c.Matches {
		ids = append(ids, m.RegulatorID)
	}
	err := sqlx.SelectContext(ctx, q, &before, `SELECT DISTINCT ON (j.regulator_id) j.source, j.regulator_id, j.organisation_id, j.judgement,
			j.judgement_date, j.file_name, j.imported_at
		FROM regulator_judgements j WHERE j.source = $1 AND j.regulator_id = ANY($2) AND j.imported_at < $3
		ORDER BY j.regulator_id, j.imported_at DESC, j.judgement_date DESC NULLS LAST`, c.Source, pq.Array(ids), c.AppliedAt)
	if err != nil {
		return fmt.Errorf("judgements before the file: %w", err)
	}
	prev := map[string]Published{}
	for _, r := range before {
		prev[r.RegulatorID] = r.published()
	}
	for i := range c.Matches {
		m := &c.Matches[i]
		m.Previous, m.PreviousDate = "", time.Time{}
		if p, ok := prev[m.RegulatorID]; ok {
			m.Previous, m.PreviousDate = p.Judgement, p.JudgementDate
		}
	}
	return nil
}

// Recent lists the latest kept checks, newest first.
func (s *Service) Recent(ctx context.Context, limit int) ([]Check, error) {
	var rows []struct {
		ID        string     `db:"id"`
		Source    Source     `db:"source"`
		FileName  string     `db:"file_name"`
		RowsRead  int        `db:"rows_read"`
		Unmatched int        `db:"unmatched"`
		Status    string     `db:"status"`
		CheckedAt time.Time  `db:"checked_at"`
		AppliedAt *time.Time `db:"applied_at"`
	}
	if err := s.DB.SelectContext(ctx, &rows, `SELECT id, source, file_name, rows_read, unmatched, status, checked_at, applied_at
		FROM regulator_imports ORDER BY checked_at DESC, id LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("recent regulator files: %w", err)
	}
	out := make([]Check, 0, len(rows))
	for _, r := range rows {
		c := Check{ID: r.ID, Source: r.Source, FileName: r.FileName, RowsRead: r.RowsRead, Unmatched: r.Unmatched,
			Applied: r.Status == "applied", CheckedAt: r.CheckedAt}
		if r.AppliedAt != nil {
			c.AppliedAt = *r.AppliedAt
		}
		out = append(out, c)
	}
	return out, nil
}

// Apply records a kept check's judgements, in one transaction: every new or changed
// judgement stored with its file and date, an audit event for the file and one for each
// provider whose judgement changed, an email to the contract managers of each provider whose
// rating fell, and the compliance of every provider whose judgement changed recomputed, so
// the RAG turns with the file. The comparison is made afresh, against what is in force when
// it is applied. A file already applied is a Conflict.
func (s *Service) Apply(ctx context.Context, id string) (*Check, error) {
	var c *Check
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		if c, err = s.load(ctx, tx, id, true); err != nil {
			return err
		}
		if c.Applied {
			return apperr.New(apperr.Conflict, "This file has already been applied")
		}
		return s.apply(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return s.Import(ctx, id)
}

func (s *Service) apply(ctx context.Context, tx *sqlx.Tx, c *Check) error {
	// One file from a source is applied at a time, so two officers applying two files at
	// once each compare with what the other recorded.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('regulator_judgements:' || $1))`, c.Source); err != nil {
		return fmt.Errorf("lock %s judgements: %w", c.Source, err)
	}
	if err := compare(ctx, tx, c.Source, c.Matches); err != nil {
		return err
	}
	changes := c.Changes()
	changed := map[string][]Match{}
	var orgs []string
	for _, m := range changes {
		if _, seen := changed[m.OrganisationID]; !seen {
			orgs = append(orgs, m.OrganisationID)
		}
		changed[m.OrganisationID] = append(changed[m.OrganisationID], m)
	}
	if len(changes) > 0 {
		js, err := json.Marshal(changes)
		if err != nil {
			return fmt.Errorf("encode judgements: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO regulator_judgements (import_id, source, regulator_id, organisation_id, judgement, judgement_date, file_name)
			SELECT $1, $2, r.regulator_id, r.organisation_id, r.judgement, nullif(r.judgement_date, '0001-01-01T00:00:00Z')::date, $3
			FROM jsonb_to_recordset($4::jsonb) AS r(regulator_id text, organisation_id uuid, judgement text, judgement_date text)`,
			c.ID, c.Source, c.FileName, string(js)); err != nil {
			return fmt.Errorf("store judgements: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE regulator_imports SET status = 'applied', applied_at = now(), applied_by = nullif($2, '')::uuid WHERE id = $1`,
		c.ID, audit.ActorFrom(ctx).UserID); err != nil {
		return fmt.Errorf("mark applied: %w", err)
	}
	falls := c.Falls()
	events := []audit.Event{{Action: "regulator.import.apply", ObjectType: "regulator_import", ObjectID: c.ID,
		Summary: map[string]any{"source": string(c.Source), "file": c.FileName, "changes": len(changes), "falls": len(falls)}}}
	for _, org := range orgs {
		var said []string
		for _, m := range changed[org] {
			said = append(said, m.RegulatorID+": "+m.Judgement.Label())
		}
		events = append(events, audit.Event{Action: "regulator.judgement.record", ObjectType: "organisation", ObjectID: org,
			Summary: map[string]any{"source": string(c.Source), "file": c.FileName, "judgements": strings.Join(said, "; ")}})
	}
	if err := audit.RecordBatch(ctx, tx, events); err != nil {
		return err
	}
	if err := s.mailFalls(ctx, tx, c.Source, falls); err != nil {
		return err
	}
	if s.Refresh == nil {
		return nil
	}
	today := s.today()
	for _, org := range orgs {
		if err := s.Refresh(ctx, tx, org, today); err != nil {
			return fmt.Errorf("refresh compliance of %s: %w", org, err)
		}
	}
	return nil
}

// mailFalls queues one email to each manager of a contract with each provider whose rating
// fell, naming every fall of that provider in the file.
func (s *Service) mailFalls(ctx context.Context, tx *sqlx.Tx, source Source, falls []Match) error {
	if len(falls) == 0 {
		return nil
	}
	byOrg := map[string][]Match{}
	var orgs []string
	for _, m := range falls {
		if _, seen := byOrg[m.OrganisationID]; !seen {
			orgs = append(orgs, m.OrganisationID)
		}
		byOrg[m.OrganisationID] = append(byOrg[m.OrganisationID], m)
	}
	managers, err := contract.ManagersOf(ctx, tx, orgs)
	if err != nil {
		return err
	}
	var msgs []notify.Message
	for _, mgr := range managers {
		ms := byOrg[mgr.OrganisationID]
		var b strings.Builder
		fmt.Fprintf(&b, "Hello %s,\n\n%s has published a lower rating for %s, a provider whose contract you manage:\n\n", mgr.Name, source.Name(), ms[0].ProviderName)
		for _, m := range ms {
			before := m.Previous.Label()
			if m.Previous == "" {
				before = m.DeclaredLabel() + " (the provider's own rating)"
			}
			fmt.Fprintf(&b, "- %s %s%s: %s, was %s\n", source.IDLabel(), m.RegulatorID, settingOf(m), m.Judgement.Label(), before)
			if !m.JudgementDate.IsZero() {
				fmt.Fprintf(&b, "  Judged on %s\n", m.JudgementDate.Format("2 January 2006"))
			}
		}
		fmt.Fprintf(&b, "\nThe provider's compliance rating has been updated. See the provider: %s\n", s.link("/providers/"+mgr.OrganisationID))
		msgs = append(msgs, notify.Message{To: mgr.Email, Subject: fmt.Sprintf("%s rating fell: %s", source.Name(), ms[0].ProviderName),
			Body: b.String(), Kind: "regulator_rating_fell"})
	}
	return notify.EnqueueBatch(ctx, tx, msgs)
}

func settingOf(m Match) string {
	if m.SettingName == "" {
		return ""
	}
	return " (" + m.SettingName + ")"
}

func (s *Service) link(path string) string {
	if s.BaseURL == nil {
		return path
	}
	return s.BaseURL.JoinPath(path).String()
}
