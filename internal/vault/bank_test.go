package vault

import (
	"errors"
	"testing"
)

func TestBankAccountRoundTripAndBinding(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	row := Row("payment_details", "6f1c7f5e-0000-4000-8000-000000000001")
	if row != "payment_details:6f1c7f5e-0000-4000-8000-000000000001" {
		t.Fatalf("Row = %q", row)
	}
	in := BankAccount{SortCode: "089999", AccountNumber: "66374958", RollNumber: "ROLL/123"}
	sealed, err := v.SealBankAccount(row, in)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.SortCodeLast2 != "99" || sealed.AccountLast4 != "4958" {
		t.Errorf("last digits = %q, %q", sealed.SortCodeLast2, sealed.AccountLast4)
	}
	for _, s := range []string{sealed.SortCode, sealed.AccountNumber, sealed.RollNumber} {
		if s == "" || s == in.SortCode || s == in.AccountNumber || s == in.RollNumber {
			t.Fatalf("a value was not sealed: %q", s)
		}
	}
	out, err := v.OpenBankAccount(row, sealed)
	if err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("opened %+v, want %+v", out, in)
	}

	// Bound to the row: another row's binding does not open it.
	if _, err := v.OpenBankAccount(Row("payment_details", "another"), sealed); !errors.Is(err, ErrDecrypt) {
		t.Errorf("opened under another row: %v", err)
	}
	// And to the column: a sort code moved into the account number's place does not open.
	swapped := sealed
	swapped.SortCode, swapped.AccountNumber = sealed.AccountNumber, sealed.SortCode
	if _, err := v.OpenBankAccount(row, swapped); !errors.Is(err, ErrDecrypt) {
		t.Errorf("opened with columns swapped: %v", err)
	}
	// A roll number sealed alone opens as part of the account.
	roll, err := v.SealRollNumber(row, "ABC")
	if err != nil {
		t.Fatal(err)
	}
	sealed.RollNumber = roll
	if out, err := v.OpenBankAccount(row, sealed); err != nil || out.RollNumber != "ABC" {
		t.Errorf("roll number sealed alone: %+v, %v", out, err)
	}
}

func TestBankAccountWithoutRollNumberOrDigits(t *testing.T) {
	v := mustNew(t, map[string][]byte{"k1": key(1)}, "k1")
	sealed, err := v.SealBankAccount(Row("t", "1"), BankAccount{SortCode: "089999", AccountNumber: "66374958"})
	if err != nil || sealed.RollNumber != "" {
		t.Fatalf("no roll number: %+v, %v", sealed, err)
	}
	if _, err := v.SealBankAccount(Row("t", "1"), BankAccount{SortCode: "089999"}); err == nil {
		t.Error("sealed an account with no account number")
	}
}
