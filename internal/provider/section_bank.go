package provider

import (
	"unicode/utf8"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
	"github.com/council/provider-portal/internal/vault"
)

// BankAnswers are the account the council pays. The sort code, account number and roll
// number are stored sealed, with the last digits kept in clear for masked display.
type BankAnswers struct {
	AccountName string `form:"account_name" json:"account_name" validate:"required,max=140" label:"the name on the account"`
	// Clear values as typed; never stored (json "-").
	SortCode      string `form:"sort_code" json:"-"`
	AccountNumber string `form:"account_number" json:"-"`
	RollNumber    string `form:"roll_number" json:"-"`

	SortCodeSealed      string `json:"sort_code_sealed,omitempty"`
	AccountNumberSealed string `json:"account_number_sealed,omitempty"`
	RollNumberSealed    string `json:"roll_number_sealed,omitempty"`
	SortCodeLast2       string `json:"sort_code_last2,omitempty"`
	AccountLast4        string `json:"account_last4,omitempty"`
	HasRollNumber       bool   `json:"has_roll_number,omitempty"`
	// ModulusVersion is the Pay.UK table version the account passed, for the record.
	ModulusVersion string `json:"modulus_version,omitempty"`
}

// KeepFrom keeps the stored account when the form's account inputs were left blank.
func (a *BankAnswers) KeepFrom(previous Answers) {
	p, ok := previous.(*BankAnswers)
	if !ok || a.SortCode != "" || a.AccountNumber != "" {
		return
	}
	a.SortCodeSealed, a.AccountNumberSealed, a.SortCodeLast2, a.AccountLast4, a.ModulusVersion =
		p.SortCodeSealed, p.AccountNumberSealed, p.SortCodeLast2, p.AccountLast4, p.ModulusVersion
	if a.RollNumber == "" {
		a.RollNumberSealed, a.HasRollNumber = p.RollNumberSealed, p.HasRollNumber
	}
}

// Validate runs the Pay.UK modulus check on a newly typed account.
func (a *BankAnswers) Validate(c Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	// Checked before the early return below: a roll number may be added to a kept account.
	if utf8.RuneCountInString(a.RollNumber) > 18 {
		errs["roll_number"] = "Building society roll number must be 18 characters or fewer"
	}
	if a.SortCode == "" && a.AccountNumber == "" && a.AccountNumberSealed != "" {
		return errs // keeping the stored account
	}
	if a.SortCode == "" {
		errs["sort_code"] = "Enter a sort code"
	}
	if a.AccountNumber == "" {
		errs["account_number"] = "Enter an account number"
	}
	if a.SortCode == "" || a.AccountNumber == "" {
		return errs
	}
	ba, err := c.Modulus.BankAccount(a.SortCode, a.AccountNumber)
	if err == nil && ukid.Unissued(ba.SortCode) {
		errs["sort_code"] = ukid.UnissuedSortCodeMessage
		return errs
	}
	if err != nil {
		field := "account_number"
		if e, ok := err.(*ukid.Error); ok && e.Kind == ukid.KindSortCode {
			field = "sort_code"
		}
		errs[field] = err.Error()
		return errs
	}
	a.SortCode, a.AccountNumber, a.ModulusVersion = ba.SortCode, ba.AccountNumber, c.Modulus.Version()
	return errs
}

// Seal encrypts the typed values and forgets them. row is SealRow(orgID, SectionBank).
func (a *BankAnswers) Seal(v *vault.Vault, row string) error {
	if a.SortCode != "" {
		sealed, err := v.SealBankAccount(row, vault.BankAccount{SortCode: a.SortCode, AccountNumber: a.AccountNumber})
		if err != nil {
			return err
		}
		a.SortCodeSealed, a.AccountNumberSealed = sealed.SortCode, sealed.AccountNumber
		a.SortCodeLast2, a.AccountLast4 = sealed.SortCodeLast2, sealed.AccountLast4
		a.RollNumberSealed, a.HasRollNumber = "", false
	}
	if a.RollNumber != "" {
		sealed, err := v.SealRollNumber(row, a.RollNumber)
		if err != nil {
			return err
		}
		a.RollNumberSealed, a.HasRollNumber = sealed, true
	}
	a.SortCode, a.AccountNumber, a.RollNumber = "", "", ""
	return nil
}

// Open decrypts the stored account of organisation orgID's bank section.
func (a *BankAnswers) Open(v *vault.Vault, orgID string) (vault.BankAccount, error) {
	sealed := vault.SealedBankAccount{SortCode: a.SortCodeSealed, AccountNumber: a.AccountNumberSealed,
		SortCodeLast2: a.SortCodeLast2, AccountLast4: a.AccountLast4}
	if a.HasRollNumber {
		sealed.RollNumber = a.RollNumberSealed
	}
	return v.OpenBankAccount(SealRow(orgID, SectionBank), sealed)
}

// MaskedSortCode shows only the last two digits.
func (a *BankAnswers) MaskedSortCode() string {
	if a.SortCodeLast2 == "" {
		return ""
	}
	return "••-••-" + a.SortCodeLast2
}

// MaskedAccount shows only the last four digits.
func (a *BankAnswers) MaskedAccount() string {
	if a.AccountLast4 == "" {
		return ""
	}
	return vault.Mask(a.AccountLast4)
}

// Summary lists the account, masked.
func (a *BankAnswers) Summary() []SummaryRow {
	roll := "None"
	if a.HasRollNumber {
		roll = "Given (hidden)"
	}
	return []SummaryRow{
		{"Name on the account", a.AccountName, "account_name"},
		{"Sort code", a.MaskedSortCode(), "sort_code"},
		{"Account number", a.MaskedAccount(), "account_number"},
		{"Building society roll number", roll, "roll_number"},
	}
}
