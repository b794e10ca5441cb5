package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// Service changes provider records: every change is validated, versioned, audited field by
// field and committed in one transaction with the mail it causes.
type Service struct {
	DB      *sqlx.DB
	Vault   *vault.Vault
	Checks  func() Checks
	BaseURL *url.URL
	// ApprovedChanged, when set, runs in the transaction of each decision that changes a
	// provider's approved answers (approving the record, accepting a change), so what is
	// derived from them changes with them: the wiring sets it to refresh the stored
	// compliance rating (internal/quality builds on this package, so cannot be called directly).
	ApprovedChanged func(ctx context.Context, tx sqlx.ExtContext, orgID string) error
}

// approvedChanged runs the ApprovedChanged hook, if any.
func (s *Service) approvedChanged(ctx context.Context, tx sqlx.ExtContext, orgID string) error {
	if s.ApprovedChanged == nil {
		return nil
	}
	return s.ApprovedChanged(ctx, tx, orgID)
}

// ConflictError says someone else saved the section since the editor read it; it carries
// their version so the conflict page can show both.
type ConflictError struct {
	Theirs    Answers
	Version   int
	UpdatedAt time.Time
}

func (e *ConflictError) Error() string {
	return "the section was changed by someone else"
}

// Unwrap makes a conflict an apperr.Conflict for callers that only care about the kind.
func (e *ConflictError) Unwrap() error {
	return apperr.New(apperr.Conflict, "Someone else saved this section while you were editing it")
}

// SealRow binds a section's sealed values to its organisation, so a ciphertext copied into
// another record does not decrypt. Every path that seals or opens a section's secrets (the
// forms, finance, the importer, the seeder) uses it.
func SealRow(orgID string, key SectionKey) string {
	return vault.Row("provider_sections", orgID, string(key))
}

// openForEdit locks the organisation and reads the section for a save: it refuses a record
// that cannot be changed now, and a save from an editor who read an older version (a
// *ConflictError carrying the newer answers). previous is the stored answers, or nil.
func openForEdit(ctx context.Context, tx *sqlx.Tx, orgID string, def Definition, version int) (org *Organisation, current *SectionRecord, previous Answers, err error) {
	org, err = lockOrganisation(ctx, tx, orgID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !org.Status.Editable() {
		return nil, nil, nil, apperr.New(apperr.Forbidden, "The record cannot be changed while it is %s", lower(org.Status.Label()))
	}
	if def.Locked(org.Status) {
		return nil, nil, nil, apperr.New(apperr.Forbidden, "Approved bank details can only be changed by asking the finance team to verify the change")
	}
	current, err = SectionRecordByKey(ctx, tx, orgID, def.Key)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, nil, nil, err
	}
	if current != nil {
		if previous, err = current.Answers(def); err != nil {
			return nil, nil, nil, err
		}
	}
	if (current == nil && version != 0) || (current != nil && current.Version != version) {
		if current == nil {
			return nil, nil, nil, &ConflictError{Theirs: def.New()}
		}
		theirs, err := current.Draft(def)
		if err != nil {
			return nil, nil, nil, err
		}
		return nil, nil, nil, &ConflictError{Theirs: theirs, Version: current.Version, UpdatedAt: current.UpdatedAt}
	}
	return org, current, previous, nil
}

// Check runs a section's full checks on answers without saving them, so a page with a
// refused upload or a mistyped field shows every other problem at the same time.
func (s *Service) Check(ctx context.Context, orgID string, def Definition, answers Answers) (map[string]string, error) {
	org, err := OrganisationByID(ctx, s.DB, orgID)
	if err != nil {
		return nil, err
	}
	if !org.Status.Editable() {
		return nil, apperr.New(apperr.Forbidden, "The record cannot be changed while it is %s", lower(org.Status.Label()))
	}
	if def.Locked(org.Status) {
		return nil, apperr.New(apperr.Forbidden, "Approved bank details can only be changed by asking the finance team to verify the change")
	}
	current, err := SectionRecordByKey(ctx, s.DB, orgID, def.Key)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return nil, err
	}
	dropEmptyRows(answers)
	if keeper, ok := answers.(Keeper); ok && current != nil {
		previous, err := current.Answers(def)
		if err != nil {
			return nil, err
		}
		keeper.KeepFrom(previous)
	}
	return answers.Validate(s.Checks()), nil
}

// SaveSection validates and stores a section's answers. version is the one the editor read
// (0 for a section not started); a mismatch is a *ConflictError and nothing is saved. After
// approval the change is held for an officer ("changes submitted") while the approved answers
// stay in force. The section is no longer completed until the provider confirms it again, and
// any draft of it is replaced by these checked answers.
func (s *Service) SaveSection(ctx context.Context, orgID string, def Definition, answers Answers, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		org, current, previous, err := openForEdit(ctx, tx, orgID, def, version)
		if err != nil {
			return err
		}
		dropEmptyRows(answers)
		if keeper, ok := answers.(Keeper); ok && previous != nil {
			keeper.KeepFrom(previous)
		}
		sealer, secret := answers.(Sealer)
		if err := s.checkCanStart(ctx, tx, orgID, def); err != nil {
			return err
		}
		if fields := answers.Validate(s.Checks()); len(fields) > 0 {
			return apperr.InvalidFields(fields)
		}
		if err := claimUploads(ctx, tx, orgID, current, answers); err != nil {
			return err
		}
		if d, ok := answers.(*DeclarationsAnswers); ok {
			d.DeclaredBy = auth.ActorName(ctx, tx, audit.ActorFrom(ctx))
		}
		if secret {
			if err := sealer.Seal(s.Vault, SealRow(orgID, def.Key)); err != nil {
				return err
			}
		}
		data, err := json.Marshal(answers)
		if err != nil {
			return fmt.Errorf("encode %s: %w", def.Key, err)
		}
		// After approval every edit waits for an officer; the approved answers stay in force.
		pending := org.Status == StatusApproved
		by := actorID(ctx)
		if current == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO provider_sections (organisation_id, section, data, updated_by, pending_review)
				VALUES ($1, $2, $3, $4, $5)`, orgID, string(def.Key), data, by, pending)
		} else {
			// A change ends an officer's acceptance of the section: what they accepted is gone.
			_, err = tx.ExecContext(ctx, `UPDATE provider_sections SET data = $3, completed = false, pending_review = $5,
				draft_data = NULL, draft_saved_at = NULL, version = version + 1, updated_at = now(), updated_by = $4,
				accepted_at = NULL, accepted_by = NULL, accepted_by_name = NULL WHERE organisation_id = $1 AND section = $2`,
				orgID, string(def.Key), data, by, pending)
		}
		if err != nil {
			return fmt.Errorf("save %s: %w", def.Key, err)
		}
		if !pending {
			if err := updateSearchColumns(ctx, tx, orgID, answers); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider.section.saved", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": string(def.Key), "changes": Diff(previous, answers), "held_for_review": pending}})
	})
}

// SaveDraft keeps a section part-done, with its mistakes, so the provider can come back to
// it: the draft sits beside the checked answers and never replaces them, is never reviewed,
// and the section shows "In progress" until "Save and continue" checks it in full. Bank
// account numbers are not kept in a draft (they are checked and sealed only as a whole);
// other secrets are sealed as in a save.
func (s *Service) SaveDraft(ctx context.Context, orgID string, def Definition, answers Answers, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		_, current, previous, err := openForEdit(ctx, tx, orgID, def, version)
		if err != nil {
			return err
		}
		if err := s.checkCanStart(ctx, tx, orgID, def); err != nil {
			return err
		}
		if b, ok := answers.(*BankAnswers); ok {
			b.SortCode, b.AccountNumber, b.RollNumber = "", "", ""
		}
		if keeper, ok := answers.(Keeper); ok && previous != nil {
			keeper.KeepFrom(previous)
		}
		if err := claimUploads(ctx, tx, orgID, current, answers); err != nil {
			return err
		}
		if sealer, ok := answers.(Sealer); ok {
			if err := sealer.Seal(s.Vault, SealRow(orgID, def.Key)); err != nil {
				return err
			}
		}
		data, err := json.Marshal(answers)
		if err != nil {
			return fmt.Errorf("encode %s draft: %w", def.Key, err)
		}
		by := actorID(ctx)
		if current == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO provider_sections (organisation_id, section, data, draft_data, draft_saved_at, updated_by)
				VALUES ($1, $2, '{}', $3, now(), $4)`, orgID, string(def.Key), data, by)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE provider_sections SET draft_data = $3, draft_saved_at = now(), completed = false,
				version = version + 1, updated_at = now(), updated_by = $4 WHERE organisation_id = $1 AND section = $2`,
				orgID, string(def.Key), data, by)
		}
		if err != nil {
			return fmt.Errorf("save %s draft: %w", def.Key, err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider.section.draft_saved", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": string(def.Key)}})
	})
}

// actorID is the signed-in user behind ctx, or nil for a system actor.
func actorID(ctx context.Context) any {
	if id := audit.ActorFrom(ctx).UserID; id != "" {
		return id
	}
	return nil
}

// MarkCompleted records that the provider has checked a section's answers.
func (s *Service) MarkCompleted(ctx context.Context, orgID string, key SectionKey, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE provider_sections SET completed = true, version = version + 1, updated_at = now()
			WHERE organisation_id = $1 AND section = $2 AND version = $3`, orgID, string(key), version)
		if err != nil {
			return fmt.Errorf("complete %s: %w", key, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "This section changed since you checked it. Check your answers again")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "provider.section.completed", ObjectType: "organisation", ObjectID: orgID,
			Summary: map[string]any{"section": string(key)}})
	})
}

// Diff lists what changed between two versions of a section's answers, by JSON field:
// {"field": {"from": old, "to": new}}. Sealed values appear only as "changed".
func Diff(before, after Answers) map[string]any {
	oldMap, newMap := toMap(before), toMap(after)
	out := map[string]any{}
	for k, nv := range newMap {
		ov, had := oldMap[k]
		if had && reflect.DeepEqual(ov, nv) {
			continue
		}
		if isSecretKey(k) {
			out[k] = "changed"
			continue
		}
		out[k] = map[string]any{"from": ov, "to": nv}
	}
	for k, ov := range oldMap {
		if _, still := newMap[k]; !still {
			out[k] = map[string]any{"from": ov, "to": nil}
		}
	}
	return out
}

// isSecretKey recognises the JSON names of sealed fields ("…_sealed"), the digits kept
// beside them for masking ("…_last4"), and lists that hold them: the audit trail records
// only that they changed.
func isSecretKey(k string) bool {
	return strings.HasSuffix(k, "_sealed") || strings.Contains(k, "_last") || k == "staff"
}

func toMap(a Answers) map[string]any {
	out := map[string]any{}
	if a == nil || reflect.ValueOf(a).IsNil() {
		return out
	}
	b, err := json.Marshal(a)
	if err != nil {
		return out
	}
	_ = json.Unmarshal(b, &out)
	return out
}

// updateSearchColumns copies a section's searchable values onto the organisation row.
func updateSearchColumns(ctx context.Context, tx *sqlx.Tx, orgID string, a Answers) error {
	sa, ok := a.(Searchable)
	if !ok {
		return nil
	}
	var c SearchColumns
	sa.Search(&c)
	_, err := tx.ExecContext(ctx, `UPDATE organisations SET
		legal_name = coalesce($2, legal_name), trading_name = coalesce($3, trading_name), postcode = coalesce($4, postcode),
		vat_number = coalesce($5, vat_number), companies_house_number = coalesce($6, companies_house_number),
		charity_number = coalesce($7, charity_number), cqc_provider_id = coalesce($8, cqc_provider_id),
		ofsted_urns = coalesce($9, ofsted_urns), service_categories = coalesce($10, service_categories), updated_at = now()
		WHERE id = $1`, orgID, c.LegalName, c.TradingName, c.Postcode, c.VATNumber, c.CompaniesHouseNumber, c.CharityNumber,
		c.CQCProviderID, stringArray(c.OfstedURNs), stringArray(c.ServiceCategories))
	if err != nil {
		return fmt.Errorf("update search columns: %w", err)
	}
	return nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// checkCanStart refuses a section whose prerequisites are not completed (the declarations
// wait for every other section), whatever the task list showed.
func (s *Service) checkCanStart(ctx context.Context, tx *sqlx.Tx, orgID string, def Definition) error {
	if len(def.After) == 0 {
		return nil
	}
	recs, err := SectionRecords(ctx, tx, orgID)
	if err != nil {
		return err
	}
	for _, dep := range def.After {
		if r := recs[dep]; r == nil || !(r.Completed || r.PendingReview) {
			return apperr.New(apperr.Invalid, "Complete the other sections before you make the declarations")
		}
	}
	return nil
}
