package finance

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// ChangeRequest is what a provider (or a finance officer keying in a letter) asks for.
type ChangeRequest struct {
	AccountName     string `form:"account_name" label:"the name on the account"`
	SortCode        string `form:"sort_code" label:"the sort code"`
	AccountNumber   string `form:"account_number" label:"the account number"`
	RollNumber      string `form:"roll_number" label:"the roll number"`
	RemittanceEmail string `form:"remittance_email" label:"the email address for remittance advice"`
	Reason          string `form:"reason" multiline:"true" label:"the reason"`
	// Evidence is the letter on headed paper or bank statement; required.
	Evidence *Evidence `form:"-"`
}

// Evidence is an uploaded file.
type Evidence struct {
	Filename string
	Content  []byte
}

// Validate checks the request and normalises the account, returning one message per field.
func (r *ChangeRequest) Validate(m *ukid.ModulusTable) (ClearAccount, map[string]string) {
	errs := map[string]string{}
	r.AccountName = strings.TrimSpace(r.AccountName)
	switch {
	case r.AccountName == "":
		errs["account_name"] = "Enter the name on the account"
	case utf8.RuneCountInString(r.AccountName) > 140:
		errs["account_name"] = "The name on the account must be 140 characters or fewer"
	}
	sc, scErr := ukid.SortCode(r.SortCode)
	if scErr != nil {
		errs["sort_code"] = scErr.Error()
	} else if ukid.Unissued(sc) {
		scErr = errors.New(ukid.UnissuedSortCodeMessage)
		errs["sort_code"] = ukid.UnissuedSortCodeMessage
	}
	acc, accErr := ukid.AccountNumber(r.AccountNumber)
	if accErr != nil {
		errs["account_number"] = accErr.Error()
	}
	if scErr == nil && accErr == nil {
		if ba, err := m.BankAccount(sc, acc); err != nil {
			errs["account_number"] = err.Error()
		} else {
			sc, acc = ba.SortCode, ba.AccountNumber
		}
	}
	r.RollNumber = strings.ToUpper(strings.TrimSpace(r.RollNumber))
	if r.RollNumber != "" && (len(r.RollNumber) > 18 || strings.Trim(r.RollNumber, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/.") != "") {
		errs["roll_number"] = "Enter the building society roll number as it is on your statement: up to 18 letters, numbers, spaces, hyphens, full stops or slashes"
	}
	email, err := validate.NormaliseEmail(r.RemittanceEmail)
	if strings.TrimSpace(r.RemittanceEmail) == "" {
		errs["remittance_email"] = "Enter the email address for remittance advice"
	} else if err != nil {
		errs["remittance_email"] = "Enter the email address in the correct format, like accounts@example.com"
	} else if a, perr := mail.ParseAddress(email); perr != nil || a.Address != email {
		errs["remittance_email"] = "Enter the email address in the correct format, like accounts@example.com"
	}
	r.Reason = strings.TrimSpace(r.Reason)
	switch {
	case r.Reason == "":
		errs["reason"] = "Enter why the bank details are changing"
	case utf8.RuneCountInString(r.Reason) > 2000:
		errs["reason"] = "The reason must be 2,000 characters or fewer"
	}
	switch {
	case r.Evidence == nil || len(r.Evidence.Content) == 0:
		errs["evidence"] = "Upload a letter on your headed paper or a bank statement showing the new account"
	default:
		if _, err := document.Sniff(r.Evidence.Content); err != nil {
			errs["evidence"] = apperr.MessageOf(err)
		}
	}
	return ClearAccount{AccountName: r.AccountName, SortCode: sc, AccountNumber: acc, RollNumber: r.RollNumber, RemittanceEmail: email}, errs
}

// RequestChange records a request to pay a different account. It never changes the details
// in force: the request waits for a verification call and a second finance officer's
// approval. At once, the key contact and every user of the organisation are emailed at the
// addresses already on file (never the remittance address in the request), so a fraudster
// cannot hide the attempt. It returns the request, or field messages (apperr.InvalidFields).
func (s *Service) RequestChange(ctx context.Context, orgID string, r ChangeRequest) (*Change, error) {
	account, fields := r.Validate(s.Modulus)
	if len(fields) > 0 {
		return nil, apperr.InvalidFields(fields)
	}
	var out *Change
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.lockPayableOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		who, err := currentActor(ctx, tx)
		if err != nil {
			return err
		}
		doc, err := s.Documents.Put(ctx, tx, orgID, document.KindBankChangeEvidence, r.Evidence.Filename, r.Evidence.Content)
		if err != nil {
			return err
		}
		out, err = s.insertChange(ctx, tx, orgID, KindChange, account, r.Reason, &doc.ID, &who.ID, who.Name, s.Modulus.Version())
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.requested", ObjectType: "bank_detail_change", ObjectID: out.ID,
			Summary: map[string]any{"organisation_id": orgID, "kind": string(KindChange), "sort_code_last2": out.SortCodeLast2,
				"account_last4": out.AccountLast4, "evidence_document_id": doc.ID}}); err != nil {
			return err
		}
		return s.tell(ctx, tx, orgID, "A change to your bank details was requested",
			fmt.Sprintf("Someone asked us on %s to pay %s into a different bank account, ending %s.\n\n"+
				"We will not make the change until we have phoned a contact already on our records to confirm it.\n\n"+
				"If you did not ask for this, tell us at once on %s. Do not reply to any other message about it.",
				s.now().In(london).Format("2 January 2006"), out.OrganisationName, out.AccountLast4, s.CouncilPhone))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// lockPayableOrganisation checks the organisation can be paid (approved or suspended),
// serialising requests for it, and marks its overdue requests expired so a new one can open.
func (s *Service) lockPayableOrganisation(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	if !db.IsUUID(orgID) {
		return apperr.New(apperr.NotFound, "Provider not found")
	}
	var status string
	err := tx.GetContext(ctx, &status, `SELECT status FROM organisations WHERE id = $1 FOR UPDATE`, orgID)
	if db.IsNoRows(err) {
		return apperr.New(apperr.NotFound, "Provider not found")
	}
	if err != nil {
		return fmt.Errorf("lock organisation: %w", err)
	}
	if !provider.Status(status).Approved() {
		return apperr.New(apperr.Invalid, "Bank details can be changed here once the supplier record is approved. Until then, give them in the record's bank details section")
	}
	_, err = s.expire(ctx, tx, "organisation_id = $1", orgID)
	return err
}

// insertChange stores a new open request, sealed, and returns it.
func (s *Service) insertChange(ctx context.Context, tx *sqlx.Tx, orgID string, kind ChangeKind, a ClearAccount, reason string,
	evidenceID, requestedBy *string, requestedByName, modulusVersion string) (*Change, error) {
	settings, err := LoadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	id := uuid.NewString()
	sealed, err := s.seal("bank_detail_changes", id, a)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO bank_detail_changes (id, organisation_id, kind, account_name, sort_code_sealed,
			account_number_sealed, roll_number_sealed, sort_code_last2, account_last4, remittance_email, modulus_version, reason,
			evidence_document_id, requested_by, requested_by_name, requested_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16::timestamptz + $17 * interval '1 day')`,
		id, orgID, string(kind), a.AccountName, sealed.SortCode, sealed.AccountNumber, sealed.rollOrNull(), sealed.SortCodeLast2,
		sealed.AccountLast4, a.RemittanceEmail, modulusVersion, reason, evidenceID, requestedBy, requestedByName, s.now(),
		settings.ChangeExpiryDays)
	if db.IsCode(err, db.CodeUniqueViolation) {
		return nil, apperr.New(apperr.Conflict, "A change to these bank details is already waiting to be verified. It must be decided or withdrawn before another can be made")
	}
	if err != nil {
		return nil, fmt.Errorf("store bank details change: %w", err)
	}
	if err := s.recordChangeMatch(ctx, tx, []string{id}, []ClearAccount{a}); err != nil {
		return nil, err
	}
	return ChangeByID(ctx, tx, id)
}

// OpenInitialRequest carries the bank details an approved provider gave at registration
// into verification, as a request by whoever saved them. It is refused while a request is
// open or once details have been approved.
func (s *Service) OpenInitialRequest(ctx context.Context, orgID string) (*Change, error) {
	var out *Change
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if err := s.lockPayableOrganisation(ctx, tx, orgID); err != nil {
			return err
		}
		if _, err := ActiveDetails(ctx, tx, orgID); err == nil {
			return apperr.New(apperr.Conflict, "This provider already has approved bank details. A change must be requested with evidence")
		} else if !apperr.Is(err, apperr.NotFound) {
			return err
		}
		account, by, modulusVersion, err := s.registrationAccount(ctx, tx, orgID)
		if err != nil {
			return err
		}
		byName := "Provider registration"
		if by != nil {
			if byName, err = auth.UserName(ctx, tx, *by); err != nil {
				return err
			}
		}
		out, err = s.insertChange(ctx, tx, orgID, KindInitial, account, "", nil, by, byName, modulusVersion)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.opened_from_registration", ObjectType: "bank_detail_change",
			ObjectID: out.ID, Summary: map[string]any{"organisation_id": orgID, "kind": string(KindInitial),
				"sort_code_last2": out.SortCodeLast2, "account_last4": out.AccountLast4}}); err != nil {
			return err
		}
		return s.tell(ctx, tx, orgID, "We will confirm your bank details by phone",
			fmt.Sprintf("Before we pay %s for the first time, a member of our finance team will phone a contact on your supplier record "+
				"to confirm the bank account you gave us, ending %s.\n\nWe will never ask you for your full account details by email. "+
				"If you have any doubt about a call or a message, phone us on %s.", out.OrganisationName, out.AccountLast4, s.CouncilPhone))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// registrationAccount opens the bank details in the approved record, with who saved them.
func (s *Service) registrationAccount(ctx context.Context, q sqlx.QueryerContext, orgID string) (ClearAccount, *string, string, error) {
	def, _ := provider.SectionByKey(string(provider.SectionBank))
	rec, err := provider.SectionRecordByKey(ctx, q, orgID, provider.SectionBank)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return ClearAccount{}, nil, "", err
	}
	var bank *provider.BankAnswers
	if rec != nil {
		answers, err := rec.Approved(def)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return ClearAccount{}, nil, "", err
		}
		bank, _ = answers.(*provider.BankAnswers)
	}
	if bank == nil || bank.AccountNumberSealed == "" {
		return ClearAccount{}, nil, "", apperr.New(apperr.Invalid, "The approved supplier record has no bank details to verify")
	}
	clear, err := bank.Open(s.Vault, orgID)
	if err != nil {
		return ClearAccount{}, nil, "", fmt.Errorf("open registration bank details: %w", err)
	}
	a := ClearAccount{AccountName: bank.AccountName, SortCode: clear.SortCode, AccountNumber: clear.AccountNumber, RollNumber: clear.RollNumber}
	standing, err := provider.SupplierStandingFor(ctx, q, []string{orgID})
	if err != nil {
		return a, nil, "", err
	}
	if st := standing[orgID]; st != nil {
		a.RemittanceEmail = st.KeyContactEmail
	}
	if a.RemittanceEmail == "" {
		return a, nil, "", apperr.New(apperr.Invalid, "The approved supplier record has no key contact email for remittance advice")
	}
	return a, rec.UpdatedBy, bank.ModulusVersion, nil
}

// OpenInitialRequests opens a request for every approved provider whose registration bank
// details have never been through verification. A provider whose earlier request was
// rejected, withdrawn or expired is left for finance to reopen by hand. It returns how many
// it opened; providers whose record cannot give a request are skipped.
func (s *Service) OpenInitialRequests(ctx context.Context) (int, error) {
	var ids []string
	err := s.DB.SelectContext(ctx, &ids, `SELECT o.id FROM organisations o
		WHERE o.status IN ('approved','suspended')
		  AND NOT EXISTS (SELECT 1 FROM bank_detail_changes c WHERE c.organisation_id = o.id)
		  AND NOT EXISTS (SELECT 1 FROM payment_details p WHERE p.organisation_id = o.id)
		ORDER BY o.decided_at NULLS FIRST, o.id LIMIT 500`)
	if err != nil {
		return 0, fmt.Errorf("providers to verify: %w", err)
	}
	n := 0
	for _, id := range ids {
		_, err := s.OpenInitialRequest(ctx, id)
		switch {
		case err == nil:
			n++
		case apperr.Is(err, apperr.Invalid), apperr.Is(err, apperr.Conflict):
			continue
		default:
			return n, err
		}
	}
	return n, nil
}

// CallInput is a verification call as the verifier records it.
type CallInput struct {
	NumberUsed string  `form:"number_used" label:"the number called"`
	Outcome    Outcome `form:"outcome" label:"the outcome"`
	Notes      string  `form:"notes" multiline:"true" label:"the notes"`
}

// RecordCall records a call to a contact on file about a request. The number must be one
// already on file (ContactsOnFile). Confirmed, the request is verified; denied, it is rejected
// as suspected fraud and the provider is told; no answer, it keeps waiting. The caller may
// not be the requester. version is the request's version the caller read.
func (s *Service) RecordCall(ctx context.Context, changeID string, version int, in CallInput) error {
	fields := map[string]string{}
	if in.NumberUsed == "" {
		fields["number_used"] = "Select the number you called"
	}
	switch in.Outcome {
	case OutcomeConfirmed, OutcomeDenied, OutcomeNoAnswer:
	default:
		fields["outcome"] = "Select what the contact said"
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if utf8.RuneCountInString(in.Notes) > 2000 {
		fields["notes"] = "Notes must be 2,000 characters or fewer"
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		c, who, err := s.lockForDecision(ctx, tx, changeID, version)
		if err != nil {
			return err
		}
		if c.Status != StatusPendingVerification {
			return apperr.New(apperr.Conflict, "This request has already been verified or decided")
		}
		if c.Requested(who.ID) {
			return errSelfVerify
		}
		contacts, err := ContactsOnFile(ctx, tx, c.OrganisationID)
		if err != nil {
			return err
		}
		number := in.NumberUsed
		if n, err := ukid.Phone(number); err == nil {
			number = n
		}
		var contact *ContactOnFile
		for i := range contacts {
			if contacts[i].Phone == number {
				contact = &contacts[i]
			}
		}
		if contact == nil {
			return apperr.InvalidFields(map[string]string{"number_used": "Call a number already on the supplier record, never one given with the request"})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO bank_detail_calls (change_id, called_by, called_by_name, contact_name, number_used, called_at, outcome, notes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, who.ID, who.Name, contact.Name, contact.Phone, s.now(), string(in.Outcome), in.Notes); err != nil {
			return fmt.Errorf("record call: %w", err)
		}
		switch in.Outcome {
		case OutcomeConfirmed:
			_, err = tx.ExecContext(ctx, `UPDATE bank_detail_changes SET status = 'verified', verified_by = $2, verified_by_name = $3,
				verified_at = $4, version = version + 1 WHERE id = $1`, c.ID, who.ID, who.Name, s.now())
		case OutcomeDenied:
			_, err = tx.ExecContext(ctx, `UPDATE bank_detail_changes SET status = 'rejected', rejected_by = $2, rejected_by_name = $3,
				rejected_at = $4, closed_at = $4, suspected_fraud = true, version = version + 1,
				rejection_reason = 'The contact on file said they had not asked for this change' WHERE id = $1`, c.ID, who.ID, who.Name, s.now())
		default:
			_, err = tx.ExecContext(ctx, `UPDATE bank_detail_changes SET version = version + 1 WHERE id = $1`, c.ID)
		}
		if err != nil {
			return segregationOr(err, "record call outcome")
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.call_recorded", ObjectType: "bank_detail_change", ObjectID: c.ID,
			Summary: map[string]any{"organisation_id": c.OrganisationID, "outcome": string(in.Outcome), "contact_name": contact.Name,
				"number_used": contact.Phone}}); err != nil {
			return err
		}
		if in.Outcome == OutcomeDenied {
			return s.tell(ctx, tx, c.OrganisationID, "We refused a change to your bank details",
				fmt.Sprintf("When we phoned %s, they told us they had not asked to change the bank account we pay %s into.\n\n"+
					"We have not made the change, and we have recorded it as a suspected fraud attempt. Your payments continue to the account we hold.\n\n"+
					"If you have any questions, phone us on %s.", contact.Name, c.OrganisationName, s.CouncilPhone))
		}
		return nil
	})
}

var (
	errSelfVerify  = apperr.New(apperr.Forbidden, "You asked for this change, so another finance officer must make the verification call")
	errSelfApprove = apperr.New(apperr.Forbidden, "You asked for this change, so two other finance officers must verify and approve it")
	errVerifierApp = apperr.New(apperr.Forbidden, "You verified this change, so a second finance officer must approve it")
)

// segregationOr turns a refused segregation CHECK into the user's message: the service
// checks first, so this only happens if the rows moved under it.
func segregationOr(err error, op string) error {
	if db.IsCode(err, db.CodeCheckViolation) {
		return apperr.Wrap(apperr.Forbidden, err, "The same person cannot ask for, verify and approve a change to bank details")
	}
	return fmt.Errorf("%s: %w", op, err)
}

// lockForDecision locks a request, checks the version the decider read, and returns the
// decider. An expired request can no longer be decided.
func (s *Service) lockForDecision(ctx context.Context, tx *sqlx.Tx, changeID string, version int) (*Change, actor, error) {
	c, err := lockChange(ctx, tx, changeID)
	if err != nil {
		return nil, actor{}, err
	}
	if c.Status == StatusExpired {
		return nil, actor{}, apperr.New(apperr.Conflict, "This request has expired. The provider must ask again")
	}
	if c.Version != version {
		return nil, actor{}, apperr.New(apperr.Conflict, "This request changed since you opened it. Look at it again before you act")
	}
	who, err := currentActor(ctx, tx)
	if err != nil {
		return nil, actor{}, err
	}
	return c, who, nil
}

// Approve puts a verified request into force from effectiveFrom (today or later): it becomes
// the active payment details, the previous ones are kept as history, and a hold on the first
// payment runs for the configured number of days. The approver may be neither the requester
// nor the verifier. version is the request's version the approver read.
func (s *Service) Approve(ctx context.Context, changeID string, version int, effectiveFrom time.Time) error {
	today := s.Today()
	switch {
	case effectiveFrom.IsZero():
		return apperr.InvalidFields(map[string]string{"effective_from": "Enter the date the new details take effect"})
	case effectiveFrom.Before(today):
		return apperr.InvalidFields(map[string]string{"effective_from": "The date the new details take effect must be today or in the future"})
	case effectiveFrom.After(today.AddDate(1, 0, 0)):
		return apperr.InvalidFields(map[string]string{"effective_from": "The date the new details take effect must be within a year"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		c, who, err := s.lockForDecision(ctx, tx, changeID, version)
		if err != nil {
			return err
		}
		switch {
		case c.Status == StatusPendingVerification:
			return apperr.New(apperr.Conflict, "This request must be verified by a call to a contact on file before it can be approved")
		case c.Status != StatusVerified:
			return apperr.New(apperr.Conflict, "This request has already been decided")
		case c.Requested(who.ID):
			return errSelfApprove
		case c.Verified(who.ID):
			return errVerifierApp
		}
		active, err := ActiveDetails(ctx, tx, c.OrganisationID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return err
		}
		if active != nil && effectiveFrom.Before(active.EffectiveFrom) {
			return apperr.InvalidFields(map[string]string{"effective_from": fmt.Sprintf(
				"The new details cannot take effect before the current ones, which take effect on %s", active.EffectiveFrom.Format("2 January 2006"))})
		}
		settings, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		// Dates go to the database as text, so the session's time zone cannot shift them a day.
		from := effectiveFrom.Format(time.DateOnly)
		var holdUntil *string
		if settings.FirstPaymentHoldDays > 0 {
			h := effectiveFrom.AddDate(0, 0, settings.FirstPaymentHoldDays).Format(time.DateOnly)
			holdUntil = &h
		}
		account, err := s.open("bank_detail_changes", c.ID, c.Account)
		if err != nil {
			return err
		}
		detailsID := uuid.NewString()
		sealed, err := s.seal("payment_details", detailsID, account)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_details SET status = 'superseded', superseded_on = $2
			WHERE organisation_id = $1 AND status = 'active'`, c.OrganisationID, from); err != nil {
			return fmt.Errorf("supersede payment details: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO payment_details (id, organisation_id, change_id, account_name, sort_code_sealed,
				account_number_sealed, roll_number_sealed, sort_code_last2, account_last4, remittance_email, effective_from, hold_until,
				requested_by, verified_by, verified_by_name, approved_by, approved_by_name, approved_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			detailsID, c.OrganisationID, c.ID, account.AccountName, sealed.SortCode, sealed.AccountNumber, sealed.rollOrNull(),
			sealed.SortCodeLast2, sealed.AccountLast4, account.RemittanceEmail, from, holdUntil, c.RequestedBy, c.VerifiedBy,
			deref(c.VerifiedByName), who.ID, who.Name, s.now()); err != nil {
			return segregationOr(err, "store payment details")
		}
		if err := s.recordDetailsMatch(ctx, tx, detailsID, account); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes SET status = 'approved', approved_by = $2, approved_by_name = $3,
			approved_at = $4, closed_at = $4, effective_from = $5, payment_details_id = $6, version = version + 1 WHERE id = $1`,
			c.ID, who.ID, who.Name, s.now(), from, detailsID); err != nil {
			return segregationOr(err, "approve change")
		}
		if s.Providers != nil {
			if err := s.Providers.RecordVerifiedBankDetails(ctx, tx, c.OrganisationID, &provider.BankAnswers{AccountName: account.AccountName,
				SortCode: account.SortCode, AccountNumber: account.AccountNumber, RollNumber: account.RollNumber, ModulusVersion: c.ModulusVersion}); err != nil {
				return err
			}
		}
		summary := map[string]any{"organisation_id": c.OrganisationID, "payment_details_id": detailsID,
			"effective_from": from, "sort_code_last2": c.SortCodeLast2, "account_last4": c.AccountLast4}
		if holdUntil != nil {
			summary["hold_until"] = *holdUntil
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.approved", ObjectType: "bank_detail_change", ObjectID: c.ID,
			Summary: summary}); err != nil {
			return err
		}
		return s.tell(ctx, tx, c.OrganisationID, "Your bank details have been changed",
			fmt.Sprintf("We have confirmed the change and will pay %s into the account ending %s from %s.\n\n"+
				"If you did not ask for this, phone us at once on %s.",
				c.OrganisationName, c.AccountLast4, effectiveFrom.Format("2 January 2006"), s.CouncilPhone))
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Reject refuses a request, with the reason the provider is told. Any finance officer but the
// requester may reject, verified or not. version is the request's version the officer read.
func (s *Service) Reject(ctx context.Context, changeID string, version int, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return apperr.InvalidFields(map[string]string{"rejection_reason": "Enter the reason for rejecting the change"})
	case utf8.RuneCountInString(reason) > 2000:
		return apperr.InvalidFields(map[string]string{"rejection_reason": "The reason must be 2,000 characters or fewer"})
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		c, who, err := s.lockForDecision(ctx, tx, changeID, version)
		if err != nil {
			return err
		}
		if !c.Status.Open() {
			return apperr.New(apperr.Conflict, "This request has already been decided")
		}
		if c.Requested(who.ID) {
			return apperr.New(apperr.Forbidden, "You asked for this change, so another finance officer must decide it")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes SET status = 'rejected', rejected_by = $2, rejected_by_name = $3,
			rejected_at = $4, closed_at = $4, rejection_reason = $5, version = version + 1 WHERE id = $1`,
			c.ID, who.ID, who.Name, s.now(), reason); err != nil {
			return segregationOr(err, "reject change")
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.rejected", ObjectType: "bank_detail_change", ObjectID: c.ID,
			Summary: map[string]any{"organisation_id": c.OrganisationID, "reason": reason}}); err != nil {
			return err
		}
		return s.tell(ctx, tx, c.OrganisationID, "We have not changed your bank details",
			fmt.Sprintf("We have not made the change to the account ending %s that was asked for, for this reason:\n\n%s\n\n"+
				"Your payments continue to the account we hold. If you have any questions, phone us on %s.", c.AccountLast4, reason, s.CouncilPhone))
	})
}

// Withdraw lets the provider take back an open request of their organisation. orgID is the
// organisation the provider acts for: a request of another is not found.
func (s *Service) Withdraw(ctx context.Context, orgID, changeID string, version int) error {
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		c, err := lockChange(ctx, tx, changeID)
		if err != nil {
			return err
		}
		if c.OrganisationID != orgID {
			return apperr.New(apperr.NotFound, "Bank details change not found")
		}
		c, who, err := s.lockForDecision(ctx, tx, changeID, version)
		if err != nil {
			return err
		}
		if !c.Status.Open() {
			return apperr.New(apperr.Conflict, "This request has already been decided")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bank_detail_changes SET status = 'withdrawn', withdrawn_by = $2, withdrawn_at = $3,
			closed_at = $3, version = version + 1 WHERE id = $1`, c.ID, who.ID, s.now()); err != nil {
			return fmt.Errorf("withdraw change: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.withdrawn", ObjectType: "bank_detail_change", ObjectID: c.ID,
			Summary: map[string]any{"organisation_id": c.OrganisationID}}); err != nil {
			return err
		}
		return s.tell(ctx, tx, c.OrganisationID, "A request to change your bank details was withdrawn",
			fmt.Sprintf("%s withdrew the request to pay %s into the account ending %s. Nothing has changed.\n\n"+
				"If you did not expect this, phone us on %s.", who.Name, c.OrganisationName, c.AccountLast4, s.CouncilPhone))
	})
}

// ExpireOverdue marks every open request past its expiry as expired, and tells the provider.
// The scheduler runs it; pages already treat overdue requests as expired.
func (s *Service) ExpireOverdue(ctx context.Context) (int, error) {
	var n int
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		n, err = s.expire(ctx, tx, "true")
		return err
	})
	return n, err
}

// expire closes the overdue open requests matching cond, auditing and telling each provider.
func (s *Service) expire(ctx context.Context, tx *sqlx.Tx, cond string, args ...any) (int, error) {
	var rows []struct {
		ID             string `db:"id"`
		OrganisationID string `db:"organisation_id"`
		AccountLast4   string `db:"account_last4"`
	}
	err := sqlx.SelectContext(ctx, tx, &rows, `UPDATE bank_detail_changes SET status = 'expired', closed_at = expires_at, version = version + 1
		WHERE status IN ('pending_verification','verified') AND expires_at <= now() AND `+cond+`
		RETURNING id, organisation_id, account_last4`, args...)
	if err != nil {
		return 0, fmt.Errorf("expire changes: %w", err)
	}
	for _, r := range rows {
		if err := audit.Record(ctx, tx, audit.Event{Action: "finance.bank_change.expired", ObjectType: "bank_detail_change", ObjectID: r.ID,
			Summary: map[string]any{"organisation_id": r.OrganisationID}}); err != nil {
			return 0, err
		}
		if err := s.tell(ctx, tx, r.OrganisationID, "A request to change your bank details has expired",
			fmt.Sprintf("The request to pay you into the account ending %s was not confirmed in time, so we have not made the change. "+
				"If you still need it, ask again through the Provider Portal.", r.AccountLast4)); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// tell emails every contact on file and every user of the organisation, at the addresses
// on file: anyone there might be the one to spot a change that was not theirs.
func (s *Service) tell(ctx context.Context, tx *sqlx.Tx, orgID, subject, body string) error {
	all, err := provider.EveryContactOf(ctx, tx, []string{orgID})
	if err != nil {
		return err
	}
	to := all[orgID]
	var ref string
	if err := tx.GetContext(ctx, &ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, orgID); err != nil {
		return fmt.Errorf("supplier reference: %w", err)
	}
	link := s.BaseURL.JoinPath("/provider/bank-details").String()
	for _, addr := range to {
		if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: "bank_details_change", Subject: subject,
			Body: fmt.Sprintf("%s\n\nSupplier reference: %s\n\n%s\n", body, ref, link)}); err != nil {
			return err
		}
	}
	return nil
}
