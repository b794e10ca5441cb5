package vault

import (
	"fmt"
	"strings"
)

// BankAccount is a UK bank account in clear, as it is sealed and opened. RollNumber is
// empty when the account has no building society roll number.
type BankAccount struct {
	SortCode, AccountNumber, RollNumber string
}

// SealedBankAccount is a BankAccount sealed for one row: the three secrets, each bound to
// that row and its own column, and the last digits kept in clear for masked display and
// matching. RollNumber is empty when there is none.
type SealedBankAccount struct {
	SortCode, AccountNumber, RollNumber string
	SortCodeLast2, AccountLast4         string
}

// Row names the row a sealed value belongs to: the table and the row's key parts, joined
// with ':' (for example Row("payment_details", id) or Row("provider_sections", orgID,
// "bank")). Every path that seals or opens bank details builds its binding here, so a copy
// that drifts cannot leave stored details undecryptable.
func Row(table string, key ...string) string {
	return strings.Join(append([]string{table}, key...), ":")
}

// column binds a value to one column of row, so a sort code cannot be swapped for an
// account number within the same row either.
func column(row, name string) string { return row + ":" + name }

// SealBankAccount seals an account for row (see Row). The sort code and account number
// are required; they are expected already normalised (digits only), since their last
// digits are kept in clear.
func (v *Vault) SealBankAccount(row string, a BankAccount) (SealedBankAccount, error) {
	var out SealedBankAccount
	if len(a.SortCode) < 2 || len(a.AccountNumber) < 4 {
		return out, fmt.Errorf("vault: seal bank account for %s: sort code and account number are required", row)
	}
	var err error
	if out.SortCode, err = v.Seal(a.SortCode, column(row, "sort_code")); err != nil {
		return out, err
	}
	if out.AccountNumber, err = v.Seal(a.AccountNumber, column(row, "account_number")); err != nil {
		return out, err
	}
	if a.RollNumber != "" {
		if out.RollNumber, err = v.Seal(a.RollNumber, column(row, "roll_number")); err != nil {
			return out, err
		}
	}
	out.SortCodeLast2, out.AccountLast4 = a.SortCode[len(a.SortCode)-2:], a.AccountNumber[len(a.AccountNumber)-4:]
	return out, nil
}

// OpenBankAccount opens an account SealBankAccount sealed for the same row. The errors
// name the row and the field, never the value.
func (v *Vault) OpenBankAccount(row string, s SealedBankAccount) (BankAccount, error) {
	var out BankAccount
	var err error
	if out.SortCode, err = v.Open(s.SortCode, column(row, "sort_code")); err != nil {
		return out, fmt.Errorf("open %s sort code: %w", row, err)
	}
	if out.AccountNumber, err = v.Open(s.AccountNumber, column(row, "account_number")); err != nil {
		return out, fmt.Errorf("open %s account number: %w", row, err)
	}
	if s.RollNumber != "" {
		if out.RollNumber, err = v.Open(s.RollNumber, column(row, "roll_number")); err != nil {
			return out, fmt.Errorf("open %s roll number: %w", row, err)
		}
	}
	return out, nil
}

// SealRollNumber seals a building society roll number alone for row, bound as
// SealBankAccount binds it: a roll number may be added to an account already on file.
func (v *Vault) SealRollNumber(row, roll string) (string, error) {
	return v.Seal(roll, column(row, "roll_number"))
}
