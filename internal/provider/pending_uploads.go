package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/jmoiron/sqlx"
)

// PendingUpload is a certificate that passed its own checks but was uploaded with a save the
// rest of the page let down. It is kept, so the provider never uploads the same file twice,
// until a save names it, the provider removes it, or the tidy-up finds it unused a day later.
type PendingUpload struct {
	DocumentID string    `db:"document_id"`
	PolicyKind string    `db:"policy_kind"`
	Filename   string    `db:"filename"`
	UploadedAt time.Time `db:"uploaded_at"`
}

// PendingUploadLifetime is how long an unused upload is kept.
const PendingUploadLifetime = 24 * time.Hour

// KeepUpload stores a certificate for one of the organisation's policies as a pending upload,
// in one transaction with the upload's audit event.
func (s *Service) KeepUpload(ctx context.Context, store document.Store, orgID, policyKind, filename string, content []byte) (*PendingUpload, error) {
	if !slices.ContainsFunc(PolicyKinds, func(o Option) bool { return o.Value == policyKind }) {
		return nil, apperr.New(apperr.Invalid, "There is no such policy")
	}
	var up PendingUpload
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		doc, err := store.Put(ctx, tx, orgID, document.KindInsuranceCertificate+":"+policyKind, filename, content)
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &up, `INSERT INTO provider_pending_uploads (document_id, organisation_id, policy_kind, filename)
			VALUES ($1, $2, $3, $4) RETURNING document_id, policy_kind, filename, uploaded_at`, doc.ID, orgID, policyKind, doc.Filename)
	})
	if err != nil {
		return nil, err
	}
	return &up, nil
}

// PendingUploadOf returns one of the organisation's pending uploads, or NotFound: an id
// posted back by a form is only ever the poster's own organisation's unused upload.
func PendingUploadOf(ctx context.Context, q sqlx.QueryerContext, orgID, id string) (*PendingUpload, error) {
	var up PendingUpload
	if !db.IsUUID(id) {
		return nil, apperr.New(apperr.NotFound, "That upload is no longer kept")
	}
	err := sqlx.GetContext(ctx, q, &up, `SELECT document_id, policy_kind, filename, uploaded_at FROM provider_pending_uploads
		WHERE document_id = $1 AND organisation_id = $2`, id, orgID)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.NotFound, "That upload is no longer kept")
	}
	if err != nil {
		return nil, fmt.Errorf("pending upload: %w", err)
	}
	return &up, nil
}

// RemoveUpload deletes a pending upload the provider removed from the page. An upload a save
// already used is not pending any more and is left alone.
func (s *Service) RemoveUpload(ctx context.Context, store document.Store, orgID, id string) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		up, err := PendingUploadOf(ctx, tx, orgID, id)
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM provider_pending_uploads WHERE document_id = $1`, up.DocumentID); err != nil {
			return fmt.Errorf("remove upload: %w", err)
		}
		_, err = store.Delete(ctx, tx, up.DocumentID)
		return err
	})
}

// claimUploads checks, in the save's transaction, that every certificate the answers name is
// either one the section already names for that policy or a pending upload of this
// organisation for that policy, and takes the pending ones out of the tidy-up's reach. A
// crafted form naming another organisation's file is refused here, whichever path saved.
func claimUploads(ctx context.Context, tx *sqlx.Tx, orgID string, current *SectionRecord, answers Answers) error {
	ins, ok := answers.(*InsuranceAnswers)
	if !ok {
		return nil
	}
	known := map[string]string{} // certificate id → policy kind, from every stored copy
	if current != nil {
		for _, data := range [][]byte{current.Data, current.DraftData, current.ApprovedData} {
			stored, err := decodeAnswers(Definition{Key: SectionInsurance, New: func() Answers { return &InsuranceAnswers{} }}, data)
			if err != nil {
				return err
			}
			for _, p := range stored.(*InsuranceAnswers).Policies {
				if p.CertificateID != "" {
					known[p.CertificateID] = p.Kind
				}
			}
		}
	}
	for _, p := range ins.Policies {
		if p.CertificateID == "" || known[p.CertificateID] == p.Kind {
			continue
		}
		up, err := PendingUploadOf(ctx, tx, orgID, p.CertificateID)
		if err != nil || up.PolicyKind != p.Kind {
			return apperr.New(apperr.Invalid, "A certificate on this page is no longer kept: upload it again")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM provider_pending_uploads WHERE document_id = $1`, up.DocumentID); err != nil {
			return fmt.Errorf("claim upload: %w", err)
		}
	}
	return nil
}

// TidyPendingUploads deletes uploads nobody used within PendingUploadLifetime, at most limit
// at a time, and returns how many went: the daily job that keeps "kept for you" from
// becoming "kept for ever".
func (s *Service) TidyPendingUploads(ctx context.Context, store document.Store, now time.Time, limit int) (int, error) {
	n := 0
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var expired []struct {
			ID    string `db:"document_id"`
			OrgID string `db:"organisation_id"`
		}
		if err := tx.SelectContext(ctx, &expired, `DELETE FROM provider_pending_uploads WHERE document_id IN (
				SELECT document_id FROM provider_pending_uploads WHERE uploaded_at < $1 ORDER BY uploaded_at LIMIT $2)
			RETURNING document_id, organisation_id`, now.Add(-PendingUploadLifetime), limit); err != nil {
			return fmt.Errorf("tidy uploads: %w", err)
		}
		for _, e := range expired {
			id := e.ID
			// A pending upload is never named by a section (a save claims it first), but a
			// section written by another path might: check before deleting the file.
			var used bool
			if err := tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM provider_sections
				WHERE organisation_id = $3 AND section = $2 AND (data::text LIKE '%' || $1 || '%' OR approved_data::text LIKE '%' || $1 || '%'
					OR draft_data::text LIKE '%' || $1 || '%'))`, id, string(SectionInsurance), e.OrgID); err != nil {
				return fmt.Errorf("find uses of upload: %w", err)
			}
			if used {
				continue
			}
			deleted, err := store.Delete(ctx, tx, id)
			if err != nil {
				return err
			}
			if deleted {
				n++
			}
		}
		return nil
	})
	return n, err
}
