package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/jmoiron/sqlx"
)

// NFIDisclosure is a National Fraud Initiative file of trade creditor standing data that
// finance exported in full.
type NFIDisclosure struct {
	On       time.Time // the UK date of the export
	Rows     int
	Filename string
}

// The words every NFI entry of the log carries.
const (
	NFIRecipientName = "Cabinet Office, National Fraud Initiative"
	NFILawfulBasis   = "Part 6 of the Local Audit and Accountability Act 2014 (data matching): the council must provide data to the Cabinet Office's data matching exercises"
	NFIMethod        = "Exported by finance from the portal for upload to the NFI secure data file upload"
)

// RecordNFIDisclosure adds an NFI export to the disclosure log, in the transaction that
// audits the export (finance's, through the wiring), so no NFI file leaves unlogged. The
// file names no single provider, so the entry is for every creditor in it, counted.
func RecordNFIDisclosure(ctx context.Context, tx *sqlx.Tx, d NFIDisclosure) error {
	what := fmt.Sprintf("Trade creditor standing data, %d records: each current creditor's reference and site ID, name, "+
		"address, telephone number, bank sort code, account number and roll number, VAT and company registration numbers, "+
		"and the dates the creditor was created and last amended. File %s (its SHA-256 is in the audit trail's record of the export).", d.Rows, d.Filename)
	a := audit.ActorFrom(ctx)
	var id string
	err := tx.GetContext(ctx, &id, `INSERT INTO disclosures (disclosed_on, recipient_kind, recipient_name, what, organisation_id,
			lawful_basis, lawful_basis_detail, method, their_reference, recorded_by, recorded_by_name)
		VALUES ($1, 'nfi', $2, $3, NULL, 'legal_obligation', $4, $5, '', $6, $7) RETURNING id`,
		d.On.Format(time.DateOnly), NFIRecipientName, what, NFILawfulBasis, NFIMethod, staffIDOf(a), auth.ActorName(ctx, tx, a))
	if err != nil {
		return fmt.Errorf("record nfi disclosure: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{Action: "privacy.disclosure.recorded", ObjectType: "disclosure", ObjectID: id,
		Summary: map[string]any{"recipient_kind": "nfi", "recipient_name": NFIRecipientName, "lawful_basis": "legal_obligation",
			"disclosed_on": d.On.Format(time.DateOnly), "records": d.Rows, "filename": d.Filename, "automatic": true}})
}
