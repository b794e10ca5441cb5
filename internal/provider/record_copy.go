package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// SectionCopy is one section in words: what "check your answers" and a copy of the record show.
type SectionCopy struct {
	Key   SectionKey   `json:"key"`
	Title string       `json:"title"`
	Rows  []SummaryRow `json:"rows"`
	// StaffRefs names, row by row, the member of staff each safeguarding row shows, so a
	// DBS record destroyed from the live record goes from the copies too.
	StaffRefs []string `json:"staff_refs,omitempty"`
	// Draft is set when the section has a draft not yet checked (shown, not sent).
	Draft bool `json:"-"`
}

// RecordCopy is the record as it was sent for review: every section in words, with secrets
// masked as the provider saw them, and who sent it when.
type RecordCopy struct {
	Sections []SectionCopy
	SentAt   time.Time
	SentBy   string
	As       Status // submitted or resubmitted
}

// RecordInWords is every section's current answers in words, in task-list order; sections
// not started are listed with no rows. It is the whole-record "check your answers".
func RecordInWords(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]SectionCopy, error) {
	recs, err := SectionRecords(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]SectionCopy, 0, len(Sections))
	for _, def := range Sections {
		sc := SectionCopy{Key: def.Key, Title: def.Title}
		if r := recs[def.Key]; r != nil {
			a, err := r.Answers(def)
			if err != nil {
				return nil, err
			}
			sc.Rows, sc.Draft = a.Summary(), r.HasDraft()
			if s, ok := a.(*SafeguardingAnswers); ok {
				for _, m := range s.Staff { // Summary gives one row per member, in order
					sc.StaffRefs = append(sc.StaffRefs, m.Ref)
				}
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// keepSubmittedCopy stores the record in words on the submission's status-history row, in
// the submission's transaction (the organisation row is locked, so the newest history row of
// the organisation is the one transition has just written).
func keepSubmittedCopy(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	sections, err := RecordInWords(ctx, tx, orgID)
	if err != nil {
		return err
	}
	data, err := json.Marshal(sections)
	if err != nil {
		return fmt.Errorf("encode record copy: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE provider_status_history SET record = $2
		WHERE id = (SELECT max(id) FROM provider_status_history WHERE organisation_id = $1)`, orgID, data)
	if err != nil {
		return fmt.Errorf("keep record copy: %w", err)
	}
	return nil
}

// ErrNeverSubmitted is LatestSubmission's answer for a record not yet sent for review.
var ErrNeverSubmitted = apperr.New(apperr.NotFound, "This record has not been sent for review yet")

// LatestSubmission returns the record as it was last sent for review, or ErrNeverSubmitted.
func LatestSubmission(ctx context.Context, q sqlx.QueryerContext, orgID string) (*RecordCopy, error) {
	var row struct {
		Record []byte    `db:"record"`
		At     time.Time `db:"at"`
		ByName string    `db:"by_name"`
		To     Status    `db:"to_status"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT record, at, by_name, to_status FROM provider_status_history
		WHERE organisation_id = $1 AND record IS NOT NULL ORDER BY id DESC LIMIT 1`, orgID)
	if db.IsNoRows(err) {
		return nil, ErrNeverSubmitted
	}
	if err != nil {
		return nil, fmt.Errorf("latest submission: %w", err)
	}
	out := &RecordCopy{SentAt: row.At, SentBy: row.ByName, As: row.To}
	if err := json.Unmarshal(row.Record, &out.Sections); err != nil {
		return nil, fmt.Errorf("decode record copy: %w", err)
	}
	return out, nil
}
