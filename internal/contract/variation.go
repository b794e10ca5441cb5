package contract

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/validate"
	"github.com/jmoiron/sqlx"
)

// VariationForm is the variation form as typed.
type VariationForm struct {
	VariedOn    form.DateInput `form:"varied_on" label:"the date of the variation"`
	Description string         `form:"description" multiline:"true" validate:"required,max=2000" label:"what changed"`
	// ValueChange is in pounds, with a minus sign for a reduction; empty for no change.
	ValueChange string `form:"value_change" label:"the change in value"`
}

// VariationFormOrder is the order of the form's fields, for the error summary.
var VariationFormOrder = []string{"varied_on", "description", "value_change"}

// SignedPence reads an amount in pounds that may be negative ("-1,500" or "+2000.50").
func SignedPence(s, label string) (int64, string) {
	s = strings.TrimSpace(s)
	sign := int64(1)
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "−"):
		sign, s = -1, strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−")
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	p, msg := form.Pounds(s).Pence(label)
	if msg != "" {
		return 0, strings.Replace(msg, "like 5000000 or 1250.50", "like 25000 or -1250.50", 1)
	}
	return sign * p, ""
}

// AddVariation records a change to a contract after it was let. Its value change adds to
// the contract's current value; the contract's version moves, so an edit form opened
// before it sees a conflict rather than overwriting the new value.
func (svc *Service) AddVariation(ctx context.Context, contractID string, f VariationForm) (*Variation, error) {
	errs := apperr.FieldsOf(validate.Struct(&f))
	if errs == nil {
		errs = map[string]string{}
	}
	on, msg := f.VariedOn.Time("the date of the variation")
	if msg != "" {
		errs["varied_on"] = msg
	}
	var change int64
	if f.ValueChange != "" {
		if change, msg = SignedPence(f.ValueChange, "the change in value"); msg != "" {
			errs["value_change"] = msg
		}
	}
	var v Variation
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		c, err := lockContract(ctx, tx, contractID)
		if err != nil {
			return err
		}
		if errs["varied_on"] == "" && on.Before(dateOf(c.StartDate)) {
			errs["varied_on"] = "The date of the variation must be on or after the contract's start date, " + c.StartDate.Format("2 January 2006")
		}
		if errs["value_change"] == "" && c.CurrentValuePence()+change < 0 {
			errs["value_change"] = "The change in value would make the contract's value less than £0"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		err = tx.GetContext(ctx, &v, `INSERT INTO contract_variations (contract_id, varied_on, description, value_change_pence, recorded_by, recorded_by_name)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, contract_id, varied_on, description, value_change_pence, recorded_by_name, recorded_at`,
			contractID, on, f.Description, change, nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx))
		if err != nil {
			return fmt.Errorf("add variation: %w", err)
		}
		if err := touchContract(ctx, tx, contractID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.variation.added", ObjectType: "contract", ObjectID: contractID,
			Summary: map[string]any{"variation_id": v.ID, "varied_on": on.Format(time.DateOnly), "description": f.Description,
				"value_change_pence": change, "value_before_pence": c.CurrentValuePence(), "value_after_pence": c.CurrentValuePence() + change}})
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// touchContract moves a contract's version and update time after a change to what hangs
// off it (a variation, a document), so the OCDS release changes and open edit forms conflict.
func touchContract(ctx context.Context, tx *sqlx.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE contracts SET version = version + 1, updated_at = now(), updated_by = $2 WHERE id = $1`,
		id, nullable(audit.ActorFrom(ctx).UserID))
	if err != nil {
		return fmt.Errorf("touch contract: %w", err)
	}
	return nil
}

// Upload is a file someone sent with a form.
type Upload struct {
	Filename string
	Content  []byte
}

// DocumentForm describes a document being added to a contract.
type DocumentForm struct {
	Title        string `form:"document_title" validate:"required,max=200" label:"the document's title"`
	DocumentType string `form:"document_type" label:"the type of document"`
	// Public links the document from the open data, where anyone may download it. Not
	// public unless the officer says so: a contract can hold prices or names not for release.
	Public bool `form:"public"`
}

// DocumentFormOrder is the order of the form's fields, for the error summary.
var DocumentFormOrder = []string{"document_title", "document_type", "file"}

// AddDocument stores a file as one of the provider's documents (so the provider's users
// may download it) and attaches it to the contract.
func (svc *Service) AddDocument(ctx context.Context, contractID string, f DocumentForm, file *Upload) error {
	errs := map[string]string{}
	for k, msg := range apperr.FieldsOf(validate.Struct(&f)) {
		errs[k] = msg
	}
	if !hasOption(DocumentTypes, f.DocumentType) {
		errs["document_type"] = "Select the type of document"
	}
	if file == nil {
		errs["file"] = "Select a file"
	} else if _, err := document.Sniff(file.Content); err != nil {
		errs["file"] = apperr.MessageOf(err)
	}
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		c, err := lockContract(ctx, tx, contractID)
		if err != nil {
			return err
		}
		doc, err := svc.documents().Put(ctx, tx, c.OrganisationID, document.KindContractDocument, file.Filename, file.Content)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contract_documents (contract_id, document_id, title, document_type, added_by, public)
			VALUES ($1, $2, $3, $4, $5, $6)`, contractID, doc.ID, f.Title, f.DocumentType, nullable(audit.ActorFrom(ctx).UserID), f.Public); err != nil {
			return fmt.Errorf("attach document: %w", err)
		}
		if err := touchContract(ctx, tx, contractID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.document.added", ObjectType: "contract", ObjectID: contractID,
			Summary: map[string]any{"document_id": doc.ID, "title": f.Title, "document_type": f.DocumentType, "filename": doc.Filename,
				"public": f.Public}})
	})
}
