package ukid

import (
	"errors"
	"fmt"
	"testing"
)

func TestIBAN(t *testing.T) {
	runCheckCases(t, KindIBAN, IBAN, []checkCase{
		{in: "GB29NWBK60161331926819", want: "GB29NWBK60161331926819"},
		{in: "gb29 nwbk 6016 1331 9268 19", want: "GB29NWBK60161331926819"},
		{in: "GB82 WEST 1234 5698 7654 32", want: "GB82WEST12345698765432"},
		{in: "DE89 3704 0044 0532 0130 00", want: "DE89370400440532013000"},
		{in: "FR14 2004 1010 0505 0001 3M02 606", want: "FR1420041010050500013M02606"},
		{in: "NO9386011117947", want: "NO9386011117947"}, // the shortest, 15

		{in: "", problem: Missing},
		{in: "GB29NWBK6016133192681", problem: Format},   // a GB IBAN is 22 characters
		{in: "GB29NWBK601613319268190", problem: Format}, //
		{in: "GB29NWB160161331926819", problem: Format},  // the bank code is 4 letters
		{in: "GB29NWBK6016133192681X", problem: Format},  // sort code and account are digits
		{in: "G129NWBK60161331926819", problem: Format},
		{in: "GBX9NWBK60161331926819", problem: Format},
		{in: "DE8937040044", problem: Format},                          // too short
		{in: "DE89370400440532013000123456789012345", problem: Format}, // too long
		{in: "DE89 3704 0044 0532 0130 0!", problem: Format},
		{in: "GB28NWBK60161331926819", problem: Checksum},
		{in: "GB29NWBK60161331926818", problem: Checksum},
		{in: "GB82WEST12345698765431", problem: Checksum},
		{in: "DE89370400440532013001", problem: Checksum},
	})
}

func TestIBANRejectsCheckDigitsNeverIssued(t *testing.T) {
	// Check digits are 98 − (number mod 97), so 02–98. 00, 01 and 99 are congruent to 97,
	// 98 and 02 and pass the mod 97 test on the same number: only the rule stops them.
	for _, c := range []struct {
		never string
		valid int
	}{{"00", 97}, {"01", 98}, {"99", 2}} {
		var bban string
		for n := 0; ; n++ {
			bban = fmt.Sprintf("WEST123456%08d", n)
			if 98-ibanMod97(bban+"GB00") == c.valid {
				break
			}
		}
		good := fmt.Sprintf("GB%02d%s", c.valid, bban)
		if _, err := IBAN(good); err != nil {
			t.Fatalf("%s should be valid: %v", good, err)
		}
		bad := "GB" + c.never + bban
		_, err := IBAN(bad)
		var e *Error
		if !errors.As(err, &e) || e.Problem != Checksum {
			t.Errorf("%s: want a checksum error, got %v", bad, err)
		}
	}
}

func TestBankAccountFromIBAN(t *testing.T) {
	got, err := BankAccountFromIBAN("GB29 NWBK 6016 1331 9268 19")
	if err != nil || got != (BankAccount{SortCode: "601613", AccountNumber: "31926819"}) {
		t.Errorf("want 601613 31926819, got %+v, %v", got, err)
	}
	if _, err := BankAccountFromIBAN("DE89370400440532013000"); err == nil {
		t.Error("a German IBAN has no UK sort code: want an error")
	}
	if _, err := BankAccountFromIBAN("GB28NWBK60161331926819"); err == nil {
		t.Error("an invalid IBAN: want an error")
	}
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"GB29NWBK60161331926819", "fr14 2004 1010 0505 0001 3m02 606", "GB", "GB00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { fuzzIdempotent(t, IBAN, s) })
}
