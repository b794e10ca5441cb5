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

const organisationColumns = `id, name, supplier_ref, status, version, submitted_at, decided_at, created_at, updated_at,
	legal_name, postcode, vat_number, companies_house_number`

// OrganisationByID returns an organisation, or NotFound. Callers check the reader may see it.
func OrganisationByID(ctx context.Context, q sqlx.QueryerContext, id string) (*Organisation, error) {
	var o Organisation
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	err := sqlx.GetContext(ctx, q, &o, `SELECT `+organisationColumns+` FROM organisations WHERE id = $1`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	if err != nil {
		return nil, fmt.Errorf("organisation: %w", err)
	}
	return &o, nil
}

// lockOrganisation reads an organisation FOR UPDATE, so status changes are serialised.
func lockOrganisation(ctx context.Context, tx *sqlx.Tx, id string) (*Organisation, error) {
	var o Organisation
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	err := tx.GetContext(ctx, &o, `SELECT `+organisationColumns+` FROM organisations WHERE id = $1 FOR UPDATE`, id)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "Provider not found")
	}
	if err != nil {
		return nil, fmt.Errorf("lock organisation: %w", err)
	}
	return &o, nil
}

// SectionRecord is a stored section: the working answers, the approved ones and its state.
type SectionRecord struct {
	Key           SectionKey
	Data          []byte    `db:"data"`
	ApprovedData  []byte    `db:"approved_data"`
	Completed     bool      `db:"completed"`
	PendingReview bool      `db:"pending_review"`
	Version       int       `db:"version"`
	UpdatedAt     time.Time `db:"updated_at"`
	UpdatedBy     *string   `db:"updated_by"`
	Section       string    `db:"section"`
	// DecidedData is the answers at the last decision on the record or the section.
	DecidedData []byte `db:"decided_data"`
	// AcceptedAt and AcceptedByName say an officer accepted the section in this review.
	AcceptedAt     *time.Time `db:"accepted_at"`
	AcceptedByName *string    `db:"accepted_by_name"`
	// DraftData is what the provider saved part-done ("Save as draft"), unchecked; nil when
	// there is no draft. Only the provider's own forms read it.
	DraftData    []byte     `db:"draft_data"`
	DraftSavedAt *time.Time `db:"draft_saved_at"`
}

// HasDraft reports whether the provider saved this section part-done since last finishing it.
func (r *SectionRecord) HasDraft() bool { return len(r.DraftData) > 0 }

// Draft decodes the draft answers, or the working answers when there is no draft: what the
// provider's form shows.
func (r *SectionRecord) Draft(def Definition) (Answers, error) {
	if !r.HasDraft() {
		return r.Answers(def)
	}
	return decodeAnswers(def, r.DraftData)
}

// sectionColumns are the columns a SectionRecord reads.
const sectionColumns = `section, data, approved_data, completed, pending_review, version, updated_at, updated_by,
	decided_data, accepted_at, accepted_by_name, draft_data, draft_saved_at`

// Answers decodes the working answers into the section's type.
func (r *SectionRecord) Answers(def Definition) (Answers, error) {
	return decodeAnswers(def, r.Data)
}

// ErrNotApproved is Approved's answer for a section an officer has not approved yet.
var ErrNotApproved = apperr.New(apperr.NotFound, "This section has not been approved yet")

// Approved decodes the approved answers, or returns ErrNotApproved (an apperr.NotFound)
// when none were approved yet.
func (r *SectionRecord) Approved(def Definition) (Answers, error) {
	if len(r.ApprovedData) == 0 {
		return nil, ErrNotApproved
	}
	return decodeAnswers(def, r.ApprovedData)
}

func decodeAnswers(def Definition, data []byte) (Answers, error) {
	a := def.New()
	if len(data) == 0 {
		return a, nil
	}
	if err := json.Unmarshal(data, a); err != nil {
		return nil, fmt.Errorf("decode %s answers: %w", def.Key, err)
	}
	return a, nil
}

// Sections returns the stored sections of an organisation by key; absent ones were not started.
func SectionRecords(ctx context.Context, q sqlx.QueryerContext, orgID string) (map[SectionKey]*SectionRecord, error) {
	var rows []SectionRecord
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+sectionColumns+`
		FROM provider_sections WHERE organisation_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("sections: %w", err)
	}
	out := make(map[SectionKey]*SectionRecord, len(rows))
	for i := range rows {
		rows[i].Key = SectionKey(rows[i].Section)
		out[rows[i].Key] = &rows[i]
	}
	return out, nil
}

// ErrSectionNotStarted is SectionRecordByKey's answer for a section nobody has saved yet.
var ErrSectionNotStarted = apperr.New(apperr.NotFound, "This section has not been started")

// SectionRecordByKey returns one stored section, or ErrSectionNotStarted (an
// apperr.NotFound) when it has not been started.
func SectionRecordByKey(ctx context.Context, q sqlx.QueryerContext, orgID string, key SectionKey) (*SectionRecord, error) {
	var r SectionRecord
	err := sqlx.GetContext(ctx, q, &r, `SELECT `+sectionColumns+`
		FROM provider_sections WHERE organisation_id = $1 AND section = $2`, orgID, string(key))
	if db.IsNoRows(err) {
		return nil, ErrSectionNotStarted
	}
	if err != nil {
		return nil, fmt.Errorf("section %s: %w", key, err)
	}
	r.Key = key
	return &r, nil
}
