package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/jmoiron/sqlx"
)

// Revision is one submission of a monitoring return: what was returned, by whom and when,
// and whether an officer accepted it. A return's current revision lives on the return; the
// earlier ones, replaced by corrections, are kept unchanged.
type Revision struct {
	Number             int        `db:"revision"`
	Value              float64    `db:"value"`
	Commentary         string     `db:"commentary"`
	EvidenceDocumentID *string    `db:"evidence_document_id"`
	EvidenceFilename   *string    `db:"evidence_filename"`
	SubmittedAt        time.Time  `db:"submitted_at"`
	SubmittedByName    string     `db:"submitted_by_name"`
	RecordedByOfficer  bool       `db:"recorded_by_officer"`
	AcceptedAt         *time.Time `db:"accepted_at"`
	AcceptedByName     string     `db:"accepted_by_name"`
	// ReplacedAt is when a correction replaced it; nil for the current revision.
	ReplacedAt *time.Time `db:"replaced_at"`
	// ValueText and RAG are the value with its unit and its rating, for the history table.
	ValueText string `db:"-"`
	RAG       RAG    `db:"-"`
}

// Current reports whether this is the return's current revision.
func (v Revision) Current() bool { return v.ReplacedAt == nil }

// Revisions is a return's history, newest first: the current revision (when the return has
// been made) and every one a correction replaced.
func Revisions(ctx context.Context, q sqlx.QueryerContext, r *MonitoringReturn) ([]Revision, error) {
	var out []Revision
	if err := sqlx.SelectContext(ctx, q, &out, `SELECT v.revision, v.value, v.commentary, v.evidence_document_id, d.filename AS evidence_filename,
		v.submitted_at, v.submitted_by_name, v.recorded_by_officer, v.accepted_at, v.accepted_by_name, v.replaced_at
		FROM monitoring_return_revisions v LEFT JOIN documents d ON d.id = v.evidence_document_id
		WHERE v.return_id = $1 ORDER BY v.revision DESC`, r.ID); err != nil {
		return nil, fmt.Errorf("return revisions: %w", err)
	}
	if r.Value != nil && r.SubmittedAt != nil {
		cur := Revision{Number: r.Revision, Value: *r.Value, Commentary: r.Commentary, EvidenceDocumentID: r.EvidenceDocumentID,
			EvidenceFilename: r.EvidenceFilename, SubmittedAt: *r.SubmittedAt, SubmittedByName: r.SubmittedByName,
			RecordedByOfficer: r.RecordedByOfficer, AcceptedAt: r.AcceptedAt, AcceptedByName: r.AcceptedByName}
		out = append([]Revision{cur}, out...)
	}
	k := r.KPI()
	for i := range out {
		out[i].ValueText, out[i].RAG = k.Format(out[i].Value), k.Rate(out[i].Value)
	}
	return out, nil
}

// CorrectReturn is the provider sending a corrected revision of a return an officer queried:
// a new value, commentary and, optionally, evidence (without a new file the evidence already
// sent stays with the return). The revision it replaces is kept unchanged in the return's
// history; the correction waits for an officer's review like a first submission, and until
// one is accepted the return has no accepted value to chart or publish. orgID is the
// organisation the provider acts for: another organisation's return is NotFound. version is
// the one the form was shown with.
func (svc *Service) CorrectReturn(ctx context.Context, orgID, id string, version int, f ReturnForm, evidence *Upload) error {
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		r, err := svc.queriedReturn(ctx, tx, orgID, id, version, "Only a return the commissioning team has queried can be corrected")
		if err != nil {
			return err
		}
		v, errs := f.check(r.KPI(), evidence)
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		evidenceID := any(r.EvidenceDocumentID)
		if evidence != nil {
			doc, err := svc.documents().Put(ctx, tx, r.OrganisationID, document.KindMonitoringEvidence, evidence.Filename, evidence.Content)
			if err != nil {
				return err
			}
			evidenceID = doc.ID
		}
		now := svc.now()
		// The revision being replaced is copied whole, then the return takes the new one.
		if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_return_revisions (return_id, revision, value, commentary, evidence_document_id,
			submitted_at, submitted_by, submitted_by_name, recorded_by_officer, accepted_at, accepted_by, accepted_by_name, replaced_at)
			SELECT id, revision, value, commentary, evidence_document_id, submitted_at, submitted_by, submitted_by_name, recorded_by_officer,
				accepted_at, accepted_by, accepted_by_name, $2 FROM monitoring_returns WHERE id = $1`, id, now); err != nil {
			return fmt.Errorf("keep replaced revision: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET status = 'submitted', value = $2, commentary = $3, evidence_document_id = $4,
			submitted_at = $5, submitted_by = $6, submitted_by_name = $7, recorded_by_officer = false,
			accepted_at = NULL, accepted_by = NULL, accepted_by_name = '', revision = revision + 1, version = version + 1, updated_at = now()
			WHERE id = $1`, id, v, f.Commentary, evidenceID, now, nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx)); err != nil {
			return fmt.Errorf("correct return: %w", err)
		}
		before, k := r.ValueText(), r.KPI()
		if err := audit.Record(ctx, tx, audit.Event{Action: "contract.return.corrected", ObjectType: "monitoring_return", ObjectID: id,
			Summary: map[string]any{"contract_id": r.ContractID, "kpi_id": r.KPIID, "period_start": r.PeriodStart.Format(time.DateOnly),
				"revision": r.Revision + 1, "replaced_revision": r.Revision, "value_before": before, "value": k.Format(v),
				"rag": string(k.Rate(v)), "evidence_document_id": evidenceID}}); err != nil {
			return err
		}
		return svc.tellManager(ctx, tx, r, "Monitoring return corrected",
			fmt.Sprintf("%s has corrected the %s return for %s after your question: %s, was %s (%s).",
				r.ProviderName, r.KPIName, r.Period().Label(), k.Format(v), before, k.Rate(v).Label()))
	})
}
