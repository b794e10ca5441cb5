package importer

import (
	"context"
	"fmt"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// writeBatch is how many rows go to the database in one set of statements: enough that a
// file of 10,000 rows takes a few dozen round trips, few enough to keep memory flat.
const writeBatch = 500

// write stores every good row, a batch at a time, in the run's transaction, through the
// owners of what it writes: provider creates or updates the records, finance opens a
// request to verify each new account, and audit appends an event per supplier.
//
// An imported supplier is created approved: the council already buys from it, so there is
// nothing for an officer to review before it can be offered work, and its record is complete
// enough to be found and contacted. Its bank details are not payment details until finance
// has verified and approved them, as for any provider. Sections the file cannot fill stay
// for the provider to complete after claiming the record; their later edits are held for
// review like any approved provider's.
func (r *importRun) write(ctx context.Context, tx *sqlx.Tx) error {
	var good []int
	for i := range r.rep.Rows {
		if !r.rep.Rows[i].Failed() {
			good = append(good, i)
		}
	}
	if r.s.Providers == nil {
		return fmt.Errorf("import: no provider service to write the records through")
	}
	for _, i := range good {
		if r.bank[i] == bankRequest && r.s.Finance == nil {
			return fmt.Errorf("import: no finance service to send the imported bank details to")
		}
	}
	for start := 0; start < len(good); start += writeBatch {
		batch := good[start:min(start+writeBatch, len(good))]
		if err := r.writeBatch(ctx, tx, batch); err != nil {
			return err
		}
		r.progress(len(r.rep.Rows) + start + len(batch))
	}
	return nil
}

// writeBatch writes one batch of good rows, given as indexes into the run's rows.
func (r *importRun) writeBatch(ctx context.Context, tx *sqlx.Tx, batch []int) error {
	suppliers := make([]provider.ImportedSupplier, len(batch))
	for j, i := range batch {
		rec := &r.recs[i]
		sup := provider.ImportedSupplier{SupplierRef: rec.ref}
		if e := r.existing[rec.ref]; e != nil {
			sup.ID = e.ID
		}
		for _, key := range rec.sections(r.bank[i]) {
			sup.Sections = append(sup.Sections, provider.ImportedSection{Key: key,
				Overlay: func(a provider.Answers) { rec.overlay(key, a) }})
		}
		suppliers[j] = sup
	}
	if err := r.s.Providers.WriteImported(ctx, tx, r.checks, suppliers); err != nil {
		return fmt.Errorf("import: %w", err)
	}

	// Creditor numbers are finance's: recorded through finance, on the records just written.
	var creditors []finance.ImportedCreditor
	for j, i := range batch {
		if n := r.recs[i].creditor; n != "" {
			creditors = append(creditors, finance.ImportedCreditor{OrganisationID: suppliers[j].ID, Number: n})
		}
	}
	if len(creditors) > 0 {
		if r.s.Finance == nil {
			return fmt.Errorf("import: no finance service to record the creditor numbers through")
		}
		if err := r.s.Finance.SetImportedCreditors(ctx, tx, creditors); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}

	var accounts []finance.ImportedAccount
	var accountOf []int // index into suppliers of each account
	for j, i := range batch {
		if r.bank[i] == bankRequest {
			accounts = append(accounts, importedAccount(&r.recs[i], suppliers[j].ID))
			accountOf = append(accountOf, j)
		}
	}
	requests := make([]string, len(suppliers))
	if len(accounts) > 0 {
		ids, err := r.s.Finance.OpenImportRequests(ctx, tx, accounts)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		for k, id := range ids {
			requests[accountOf[k]] = id
		}
		orgs := make([]string, len(accounts))
		for k, a := range accounts {
			orgs[k] = a.OrganisationID
		}
		flags, err := finance.FraudFlags(ctx, tx, orgs)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		for k, a := range accounts {
			for _, f := range flags[a.OrganisationID] {
				r.rep.Rows[batch[accountOf[k]]].Warnings = append(r.rep.Rows[batch[accountOf[k]]].Warnings, f.Message())
			}
		}
	}

	events := make([]audit.Event, len(suppliers))
	for j, sup := range suppliers {
		keys := make([]string, len(sup.Sections))
		for k, sec := range sup.Sections {
			keys[k] = string(sec.Key)
		}
		summary := map[string]any{"supplier_ref": sup.SupplierRef, "sections": keys, "bank_details": "unchanged"}
		if n := r.recs[batch[j]].creditor; n != "" {
			summary["creditor_number"] = n
		}
		if requests[j] != "" {
			summary["bank_details"] = "sent to finance for verification"
			summary["bank_detail_change_id"] = requests[j]
		}
		action := "provider.import.updated"
		if sup.Created {
			action = "provider.import.created"
		}
		events[j] = audit.Event{Action: action, ObjectType: "organisation", ObjectID: sup.ID, Summary: summary}

		row := batch[j]
		if sup.Created {
			r.rep.Rows[row].Outcome = OutcomeCreated
			r.rep.Created++
		} else {
			r.rep.Rows[row].Outcome = OutcomeUpdated
			r.rep.Updated++
		}
		if requests[j] != "" {
			r.rep.BankRequests++
		}
	}
	return audit.RecordBatch(ctx, tx, events)
}
