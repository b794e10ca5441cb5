package finance

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
)

// Revealed is a set of bank details shown in full, with what it belongs to.
type Revealed struct {
	ClearAccount
	OrganisationID string
}

// checkReason refuses a reveal without a reason worth auditing, or with one the audit trail
// cannot hold (a NUL, other control characters, bytes that are not UTF-8).
func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	_, msg := form.Text(reason, "the reason", false, 0)
	switch {
	case msg != "":
		return "", apperr.InvalidFields(map[string]string{"reason": msg})
	case reason == "":
		return "", apperr.InvalidFields(map[string]string{"reason": "Enter why you need to see the bank details in full"})
	case utf8.RuneCountInString(reason) > 500:
		return "", apperr.InvalidFields(map[string]string{"reason": "The reason must be 500 characters or fewer"})
	}
	return reason, nil
}

// RevealDetails opens an approved set of payment details in full, recording who saw them,
// when and why (finance.bank_details.revealed). The caller has checked the step-up.
func (s *Service) RevealDetails(ctx context.Context, detailsID, reason string) (*Revealed, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	p, err := DetailsByID(ctx, s.DB, detailsID)
	if err != nil {
		return nil, err
	}
	clear, err := s.open("payment_details", p.ID, p.Account)
	if err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, s.DB, audit.Event{Action: "finance.bank_details.revealed", ObjectType: "payment_details", ObjectID: p.ID,
		Summary: map[string]any{"organisation_id": p.OrganisationID, "reason": reason}}); err != nil {
		return nil, err
	}
	return &Revealed{ClearAccount: clear, OrganisationID: p.OrganisationID}, nil
}

// RevealRequested opens the details a change request asks for, so a verifier can read them
// back to the contact on file; audited like RevealDetails.
func (s *Service) RevealRequested(ctx context.Context, changeID, reason string) (*Revealed, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	c, err := ChangeByID(ctx, s.DB, changeID)
	if err != nil {
		return nil, err
	}
	clear, err := s.open("bank_detail_changes", c.ID, c.Account)
	if err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, s.DB, audit.Event{Action: "finance.bank_details.revealed", ObjectType: "bank_detail_change", ObjectID: c.ID,
		Summary: map[string]any{"organisation_id": c.OrganisationID, "reason": reason}}); err != nil {
		return nil, err
	}
	return &Revealed{ClearAccount: clear, OrganisationID: c.OrganisationID}, nil
}

// Evidence returns the document attached to a request, auditing that finance opened it.
func (s *Service) Evidence(ctx context.Context, changeID string) (name, contentType string, content []byte, err error) {
	c, err := ChangeByID(ctx, s.DB, changeID)
	if err != nil {
		return "", "", nil, err
	}
	if c.EvidenceDocumentID == nil {
		return "", "", nil, apperr.New(apperr.NotFound, "This request has no evidence attached")
	}
	doc, content, err := s.Documents.Get(ctx, s.DB, *c.EvidenceDocumentID)
	if err != nil {
		return "", "", nil, err
	}
	if doc.OrganisationID != c.OrganisationID || !document.MayRead(doc.Kind, audit.ActorFrom(ctx).Roles, false) {
		return "", "", nil, apperr.New(apperr.NotFound, "Document not found")
	}
	if err := audit.Record(ctx, s.DB, audit.Event{Action: "document.download", ObjectType: "document", ObjectID: doc.ID,
		Summary: map[string]any{"organisation_id": doc.OrganisationID, "filename": doc.Filename, "bank_detail_change_id": c.ID}}); err != nil {
		return "", "", nil, err
	}
	return doc.Filename, doc.ContentType, content, nil
}
