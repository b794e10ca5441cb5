package finance

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
	"github.com/jmoiron/sqlx"
)

// Service changes payment details under dual control and writes finance's exports. Every
// change commits in one transaction with its audit event and the mail it causes.
type Service struct {
	DB        *sqlx.DB
	Vault     *vault.Vault
	Providers *provider.Service
	Modulus   *ukid.ModulusTable
	Documents document.Store
	BaseURL   *url.URL
	// CouncilPhone is the number the emails give for someone who did not ask for a change.
	CouncilPhone string
	// Now is the clock; time.Now when nil. Tests move it to expire requests.
	Now func() time.Time
	// MatchKey keys the hash that finds one account given by two suppliers (MatchKeyFrom);
	// nil turns the matching off.
	MatchKey []byte
	// ContractActivity and NFIDisclosed are what the NFI export needs of contract and
	// privacy, which finance may not import: the wiring sets them
	// (contract.OrganisationsActiveSince, privacy.RecordNFIDisclosure). The export refuses
	// to run without them, so no file leaves unlogged or with active creditors dropped.
	ContractActivity ActivityFunc
	NFIDisclosed     NFIDisclosedFunc
}

// london is the council's time zone: "today" and effective dates are UK dates.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is the UK date now, as midnight UTC (how the database returns dates).
func (s *Service) Today() time.Time {
	n := s.now().In(london)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// actor is the signed-in person a change is made by, with their name for the record.
type actor struct {
	ID, Name string
}

func currentActor(ctx context.Context, q sqlx.QueryerContext) (actor, error) {
	a := audit.ActorFrom(ctx)
	if a.UserID == "" {
		return actor{}, apperr.New(apperr.Unauthorized, "Sign in to continue")
	}
	name, err := auth.UserName(ctx, q, a.UserID)
	if err != nil {
		return actor{}, err
	}
	return actor{ID: a.UserID, Name: name}, nil
}

// seal encrypts an account for a row of table, through the one bank-detail sealing
// function every path uses.
func (s *Service) seal(table, id string, a ClearAccount) (sealedAccount, error) {
	sealed, err := s.Vault.SealBankAccount(vault.Row(table, id),
		vault.BankAccount{SortCode: a.SortCode, AccountNumber: a.AccountNumber, RollNumber: a.RollNumber})
	return sealedAccount{sealed}, err
}

// sealedAccount is an account sealed for one row of finance's tables.
type sealedAccount struct{ vault.SealedBankAccount }

// rollOrNull is the roll number column's value: NULL when there is none.
func (s sealedAccount) rollOrNull() *string {
	if s.RollNumber == "" {
		return nil
	}
	return &s.RollNumber
}

// open decrypts the account of a row of table.
func (s *Service) open(table, id string, a Account) (ClearAccount, error) {
	sealed := vault.SealedBankAccount{SortCode: a.SortCodeSealed, AccountNumber: a.AccountNumberSealed,
		SortCodeLast2: a.SortCodeLast2, AccountLast4: a.AccountLast4}
	if a.HasRollNumber() {
		sealed.RollNumber = *a.RollNumberSealed
	}
	clear, err := s.Vault.OpenBankAccount(vault.Row(table, id), sealed)
	if err != nil {
		return ClearAccount{}, err
	}
	return ClearAccount{AccountName: a.AccountName, RemittanceEmail: a.RemittanceEmail,
		SortCode: clear.SortCode, AccountNumber: clear.AccountNumber, RollNumber: clear.RollNumber}, nil
}

// ContactsOnFile lists the numbers a verifier may call: the key contact's and every other
// contact's, from the contacts section as approved. A number given in a change request is
// never among them.
func ContactsOnFile(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]ContactOnFile, error) {
	def, _ := provider.SectionByKey(string(provider.SectionContacts))
	rec, err := provider.SectionRecordByKey(ctx, q, orgID, provider.SectionContacts)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil // no contacts given yet: an empty list
	}
	if err != nil {
		return nil, err
	}
	answers, err := rec.Approved(def)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil // nothing approved yet: no numbers on file
	}
	if err != nil {
		return nil, err
	}
	ca, ok := answers.(*provider.ContactsAnswers)
	if !ok {
		return nil, fmt.Errorf("contacts section has type %T", answers)
	}
	var out []ContactOnFile
	seen := map[string]bool{}
	addContact := func(name, role, phone string) {
		phone = strings.TrimSpace(phone)
		if phone == "" || seen[phone] {
			return
		}
		seen[phone] = true
		out = append(out, ContactOnFile{Name: name, Role: role, Phone: phone})
	}
	addContact(ca.KeyContactName, "Key contact, "+ca.KeyContactRole, ca.KeyContactPhone)
	for _, c := range ca.Others {
		addContact(c.Name, c.Role, c.Phone)
	}
	return out, nil
}

// UpdateSettings changes finance's settings. version is the one the editor read; the
// dormancy period, kept in the settings table, rides on the same version, so a stale form
// changes none of them.
func (s *Service) UpdateSettings(ctx context.Context, holdDays, expiryDays, dormantMonths, version int) error {
	fields := map[string]string{}
	if holdDays < 0 || holdDays > 90 {
		fields["first_payment_hold_days"] = "Enter a number of days from 0 to 90"
	}
	if expiryDays < 1 || expiryDays > 365 {
		fields["change_expiry_days"] = "Enter a number of days from 1 to 365"
	}
	if dormantMonths < MinDormantMonths || dormantMonths > MaxDormantMonths {
		fields["dormant_months"] = fmt.Sprintf("Enter a number of months from %d to %d", MinDormantMonths, MaxDormantMonths)
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		before, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE finance_settings SET first_payment_hold_days = $1, change_expiry_days = $2,
			version = version + 1, updated_at = now(), updated_by = NULLIF($3, '')::uuid WHERE version = $4`,
			holdDays, expiryDays, audit.ActorFrom(ctx).UserID, version)
		if err != nil {
			return fmt.Errorf("update finance settings: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Someone else changed the settings since you opened them. Look at them again")
		}
		if err := saveDormantMonths(ctx, tx, dormantMonths); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "finance.settings.updated", ObjectType: "finance_settings", ObjectID: "1",
			Summary: map[string]any{
				"first_payment_hold_days": map[string]int{"from": before.FirstPaymentHoldDays, "to": holdDays},
				"change_expiry_days":      map[string]int{"from": before.ChangeExpiryDays, "to": expiryDays},
				"nfi_dormant_months":      map[string]int{"from": before.DormantMonths, "to": dormantMonths},
			}})
	})
}
