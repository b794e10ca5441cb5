package finance

import (
	"context"
	"fmt"
	"sort"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file is how bank details from an import of the council's supplier list
// (internal/importer) enter finance's change control. An import never makes payment
// details: for each supplier whose bank details it brings, it opens a request in the
// caller's transaction, exactly as a registration's details are carried into verification
// (OpenInitialRequest). The request waits as pending verification, the provider's contacts
// on file are told at once, and finance officers verify it by a call to a number on file and
// approve it later; the officer who ran the import counts as the requester, so they can
// neither verify nor approve it. Requests are opened a batch at a time, so an import of
// 10,000 suppliers takes a few statements per batch rather than several per supplier.

// importReason is the reason a request opened by an import carries, so finance sees where
// the details came from.
const importReason = "Imported from the council's list of existing suppliers"

// ImportedAccount is the bank account an import gives for one supplier, in clear.
type ImportedAccount struct {
	OrganisationID string
	SupplierRef    string
	AccountName    string
	// SortCode and AccountNumber are digits only; RollNumber is empty when there is none.
	SortCode, AccountNumber, RollNumber string
	// ModulusVersion is the Pay.UK table version the account passed; Check sets it.
	ModulusVersion string
	// RemittanceEmail is where remittance advice goes: the key contact's address on the record.
	RemittanceEmail string
}

// Check applies to an imported account the checks finance applies to every requested
// account (the name on the account, the Pay.UK modulus check, the roll number's characters,
// the remittance address), and normalises it in place. It returns one message per field
// (account_name, sort_code, account_number, roll_number, remittance_email), so an import can
// report a row finance would refuse before it writes anything.
func (a *ImportedAccount) Check(m *ukid.ModulusTable) map[string]string {
	// A change request's own checks, less the reason and evidence, which an import's
	// request (like a registration's) does not need.
	req := ChangeRequest{AccountName: a.AccountName, SortCode: a.SortCode, AccountNumber: a.AccountNumber,
		RollNumber: a.RollNumber, RemittanceEmail: a.RemittanceEmail, Reason: importReason}
	clear, errs := req.Validate(m)
	delete(errs, "evidence")
	delete(errs, "reason")
	if len(errs) == 0 {
		a.AccountName, a.SortCode, a.AccountNumber, a.RollNumber = clear.AccountName, clear.SortCode, clear.AccountNumber, clear.RollNumber
		a.RemittanceEmail, a.ModulusVersion = clear.RemittanceEmail, m.Version()
	}
	return errs
}

// BankControl is what finance holds for an organisation that an import may not override.
type BankControl struct {
	// HasDetails says approved payment details exist: another account needs a change
	// request with evidence.
	HasDetails bool
	// OpenRequest says a request waits for verification or approval and has not expired.
	OpenRequest bool
}

// BankControlOf returns, for each of the given organisations that finance holds anything
// for, whether it has approved payment details and whether a request is open.
func BankControlOf(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string]BankControl, error) {
	out := make(map[string]BankControl, len(orgIDs))
	if len(orgIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID          string `db:"id"`
		HasDetails  bool   `db:"has_details"`
		OpenRequest bool   `db:"open_request"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT o.id,
			EXISTS (SELECT 1 FROM payment_details p WHERE p.organisation_id = o.id AND p.status = 'active') AS has_details,
			EXISTS (SELECT 1 FROM bank_detail_changes c WHERE c.organisation_id = o.id
				AND c.status IN ('pending_verification', 'verified') AND c.expires_at > now()) AS open_request
		FROM unnest($1::uuid[]) AS o(id)`, pq.StringArray(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("bank details under finance's control: %w", err)
	}
	for _, r := range rows {
		if r.HasDetails || r.OpenRequest {
			out[r.ID] = BankControl{HasDetails: r.HasDetails, OpenRequest: r.OpenRequest}
		}
	}
	return out, nil
}

// OpenImportRequests opens, in the caller's transaction, a request to verify each imported
// account, and returns the requests' ids in the order given. Each organisation must be
// payable (approved or suspended) and have neither approved payment details nor an open
// request (overdue ones are expired first, as for any new request); each account must pass
// Check, which normalises it in place. Otherwise nothing is opened and the error says which
// supplier (apperr.Invalid, NotFound or Conflict). Every request is audited, and the key
// contact and users of each organisation are emailed at the addresses on file.
func (s *Service) OpenImportRequests(ctx context.Context, tx *sqlx.Tx, accounts []ImportedAccount) ([]string, error) {
	if len(accounts) == 0 {
		return nil, nil
	}
	orgIDs := make([]string, len(accounts))
	seen := make(map[string]bool, len(accounts))
	for i := range accounts {
		a := &accounts[i]
		if seen[a.OrganisationID] {
			return nil, apperr.New(apperr.Invalid, "Supplier %s is listed twice: one request can be open for a supplier at a time", a.SupplierRef)
		}
		seen[a.OrganisationID] = true
		if errs := a.Check(s.Modulus); len(errs) > 0 {
			fields := make([]string, 0, len(errs))
			for f := range errs {
				fields = append(fields, f)
			}
			sort.Strings(fields)
			return nil, apperr.New(apperr.Invalid, "The bank details of supplier %s cannot be verified: %s", a.SupplierRef, errs[fields[0]])
		}
		orgIDs[i] = a.OrganisationID
	}
	orgs, err := s.lockPayableOrganisations(ctx, tx, orgIDs)
	if err != nil {
		return nil, err
	}
	control, err := BankControlOf(ctx, tx, orgIDs)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		switch c := control[a.OrganisationID]; {
		case c.HasDetails:
			return nil, apperr.New(apperr.Conflict, "Supplier %s already has approved bank details. A change must be requested with evidence", a.SupplierRef)
		case c.OpenRequest:
			return nil, apperr.New(apperr.Conflict, "A change to the bank details of supplier %s is already waiting to be verified. It must be decided or withdrawn before another can be made", a.SupplierRef)
		}
	}
	settings, err := LoadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	by, byName, err := requester(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	ids := make([]string, len(accounts))
	var cols struct {
		id, org, name, sortCode, number, last2, last4, email, modulus []string
		roll                                                          []*string
	}
	events := make([]audit.Event, len(accounts))
	for i, a := range accounts {
		id := uuid.NewString()
		sealed, err := s.Vault.SealBankAccount(vault.Row("bank_detail_changes", id),
			vault.BankAccount{SortCode: a.SortCode, AccountNumber: a.AccountNumber, RollNumber: a.RollNumber})
		if err != nil {
			return nil, err
		}
		var roll *string
		if sealed.RollNumber != "" {
			roll = &sealed.RollNumber
		}
		ids[i] = id
		cols.id, cols.org, cols.name = append(cols.id, id), append(cols.org, a.OrganisationID), append(cols.name, a.AccountName)
		cols.sortCode, cols.number, cols.roll = append(cols.sortCode, sealed.SortCode), append(cols.number, sealed.AccountNumber), append(cols.roll, roll)
		cols.last2, cols.last4 = append(cols.last2, sealed.SortCodeLast2), append(cols.last4, sealed.AccountLast4)
		cols.email, cols.modulus = append(cols.email, a.RemittanceEmail), append(cols.modulus, a.ModulusVersion)
		events[i] = audit.Event{Action: "finance.bank_change.opened_from_import", ObjectType: "bank_detail_change", ObjectID: id,
			Summary: map[string]any{"organisation_id": a.OrganisationID, "supplier_ref": a.SupplierRef, "kind": string(KindInitial),
				"sort_code_last2": sealed.SortCodeLast2, "account_last4": sealed.AccountLast4}}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO bank_detail_changes (id, organisation_id, kind, account_name, sort_code_sealed,
			account_number_sealed, roll_number_sealed, sort_code_last2, account_last4, remittance_email, modulus_version, reason,
			requested_by, requested_by_name, requested_at, expires_at)
		SELECT u.id::uuid, u.org::uuid, 'initial', u.name, u.sort_code, u.number, u.roll, u.last2, u.last4, u.email, u.modulus, $11,
			$12, $13, $14, $14::timestamptz + $15 * interval '1 day'
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::text[]) AS u(id, org, name, sort_code, number, roll, last2, last4, email, modulus)`,
		pq.StringArray(cols.id), pq.StringArray(cols.org), pq.StringArray(cols.name), pq.StringArray(cols.sortCode),
		pq.StringArray(cols.number), pq.Array(cols.roll), pq.StringArray(cols.last2), pq.StringArray(cols.last4),
		pq.StringArray(cols.email), pq.StringArray(cols.modulus), importReason, by, byName, now, settings.ChangeExpiryDays)
	if db.IsCode(err, db.CodeUniqueViolation) {
		return nil, apperr.New(apperr.Conflict, "A change to the bank details of one of these suppliers is already waiting to be verified. It must be decided or withdrawn before another can be made")
	}
	if err != nil {
		return nil, fmt.Errorf("store imported bank details requests: %w", err)
	}
	clear := make([]ClearAccount, len(accounts))
	for i, a := range accounts {
		clear[i] = ClearAccount{SortCode: a.SortCode, AccountNumber: a.AccountNumber}
	}
	if err := s.recordChangeMatch(ctx, tx, ids, clear); err != nil {
		return nil, err
	}
	if err := audit.RecordBatch(ctx, tx, events); err != nil {
		return nil, err
	}
	if err := s.tellImported(ctx, tx, accounts, orgs); err != nil {
		return nil, err
	}
	return ids, nil
}

// payableOrganisation is what the emails about a request name.
type payableOrganisation struct {
	ID          string `db:"id"`
	Status      string `db:"status"`
	SupplierRef string `db:"supplier_ref"`
	Name        string `db:"name"`
}

// lockPayableOrganisations is lockPayableOrganisation for many organisations: it locks them
// (in id order, so two batches cannot deadlock), checks each can be paid, and expires their
// overdue requests so new ones can open.
func (s *Service) lockPayableOrganisations(ctx context.Context, tx *sqlx.Tx, ids []string) (map[string]payableOrganisation, error) {
	var rows []payableOrganisation
	if err := sqlx.SelectContext(ctx, tx, &rows, `SELECT id, status, supplier_ref, coalesce(nullif(legal_name, ''), name) AS name
		FROM organisations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, pq.StringArray(ids)); err != nil {
		return nil, fmt.Errorf("lock organisations: %w", err)
	}
	out := make(map[string]payableOrganisation, len(rows))
	for _, r := range rows {
		if r.Status != string(provider.StatusApproved) && r.Status != string(provider.StatusSuspended) {
			return nil, apperr.New(apperr.Invalid, "Bank details of supplier %s can be verified once the supplier record is approved", r.SupplierRef)
		}
		out[r.ID] = r
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, apperr.New(apperr.NotFound, "Provider not found")
		}
	}
	if _, err := s.expire(ctx, tx, "organisation_id = ANY($1::uuid[])", pq.StringArray(ids)); err != nil {
		return nil, err
	}
	return out, nil
}

// requester is who a request opened by an import is recorded as asked for by: the signed-in
// officer (who then may not verify or approve it), or for an operator's command the name it
// runs under, with no user.
func requester(ctx context.Context, q sqlx.QueryerContext) (*string, string, error) {
	a := audit.ActorFrom(ctx)
	if a.UserID == "" {
		name := a.Email
		if name == "" {
			name = "system"
		}
		return nil, name, nil
	}
	name, err := auth.UserName(ctx, q, a.UserID)
	if err != nil {
		return nil, "", err
	}
	return &a.UserID, name, nil
}

// tellImported emails each organisation's key contact and users at the addresses on file,
// as tell does for one request, reading every organisation's addresses in one query and
// queueing the mail in one statement.
func (s *Service) tellImported(ctx context.Context, tx *sqlx.Tx, accounts []ImportedAccount, orgs map[string]payableOrganisation) error {
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		ids[i] = a.OrganisationID
	}
	to, err := provider.EveryContactOf(ctx, tx, ids)
	if err != nil {
		return err
	}
	link := s.BaseURL.JoinPath("/provider/bank-details").String()
	var mail []notify.Message
	for _, a := range accounts {
		org := orgs[a.OrganisationID]
		body := fmt.Sprintf("The council has added %s to the Provider Portal from its list of suppliers, with the bank account it "+
			"holds for you, ending %s.\n\nBefore we pay into that account through the portal, a member of our finance team will phone "+
			"a contact on your supplier record to confirm it. We will never ask you for your full account details by email. "+
			"If you have any doubt about a call or a message, phone us on %s.",
			org.Name, a.AccountNumber[len(a.AccountNumber)-4:], s.CouncilPhone)
		for _, addr := range to[a.OrganisationID] {
			mail = append(mail, notify.Message{To: addr, Kind: "bank_details_change",
				Subject: "We will confirm your bank details by phone",
				Body:    fmt.Sprintf("%s\n\nSupplier reference: %s\n\n%s\n", body, org.SupplierRef, link)})
		}
	}
	return notify.EnqueueBatch(ctx, tx, mail)
}
