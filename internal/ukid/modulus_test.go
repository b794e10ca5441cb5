package ukid

import (
	"errors"
	"strings"
	"testing"
)

// TestModulusCheck adds to the specification's worked examples: more cases per exception
// (from the test suites of public implementations, rechecked by hand against the rules),
// account numbers of 6, 7, 9 and 10 digits, and sort codes the table does not cover.
func TestModulusCheck(t *testing.T) {
	table := DefaultModulusTable()
	for _, c := range []struct {
		sortCode, account string
		valid             bool
		why               string
	}{
		{"090128", "03745521", true, "modulus 10"},
		{"090128", "13745521", false, "modulus 10"},
		{"560003", "13354647", true, "modulus 11"},
		{"560003", "23354647", false, "modulus 11"},
		{"040469", "00000312", true, "double alternate"},
		{"040469", "00000311", false, "double alternate"},
		{"404784", "70872490", true, "modulus 11 and double alternate"},
		{"404784", "70872491", false, "modulus 11 fails, so the second check is not enough"},
		{"308088", "14457846", true, "exception 2 and 9: the second check passes with 309634"},
		{"308087", "25337846", false, "exception 2 and 9: both checks fail"},
		{"308088", "24457846", false, "exception 2 and 9: both checks fail"},
		{"938063", "15765410", false, "exception 5: modulus 11 remainder 0 needs g = 0, g is 1"},
		{"938063", "15766211", false, "exception 5: double alternate remainder 0 needs h = 0, h is 1"},
		{"205132", "13537846", true, "exception 6: both checks pass"},
		{"205132", "43537844", true, "exception 6: a foreign currency account, not checked"},
		{"205132", "23537846", false, "exception 6: not foreign currency, so checked, and fails"},
		{"180002", "12345791", true, "exception 14: fails, h = 1, 01234579 passes"},
		{"180002", "12345793", false, "exception 14: fails, and h = 3 may not be shifted (01234579 would pass)"},

		{"001122", "44556677", true, "a sort code in no range cannot be checked"},
		{"00-11-22", "4455 6677", true, "separators are allowed"},

		{"180002", "000190", true, "6 digits: padded to 00000190"},
		{"086090", "6774744", true, "7 digits: padded to 06774744"},
		{"090120", "810000000", true, "9 digits, Santander: 090128 10000000 (090120 10000000 fails)"},
		{"09-01-28", "279336043", true, "9 digits, Santander: 090122 79336043"},
		{"090120", "110000091", false, "9 digits, Santander: 090121 10000091 fails (dropping the first digit is not a rule)"},
		{"089999", "6637495842", true, "10 digits, Co-operative Bank: the first eight"},
		{"089299", "1000000300", true, "10 digits, Co-operative Bank: 10000003"},
		{"601613", "0010000003", true, "10 digits, NatWest: the last eight"},
		{"601613", "00-10000003", true, "NatWest's hyphen after the second digit"},
		{"601613", "0010000004", false, "10 digits, NatWest: 10000004 fails"},
	} {
		err := table.Check(c.sortCode, c.account)
		if c.valid && err != nil {
			t.Errorf("%s %s (%s): want valid, got %v", c.sortCode, c.account, c.why, err)
		}
		if !c.valid {
			var e *Error
			if !errors.As(err, &e) || e.Kind != KindAccountNumber || e.Problem != Checksum {
				t.Errorf("%s %s (%s): want a failed modulus check, got %v", c.sortCode, c.account, c.why, err)
			}
		}
	}
}

// TestModulusException8 uses a table of its own: in valacdos v8.50 the weights of the one
// exception 8 row give 086090 and its substitute 090126 the same weighted sum, so the real
// table cannot show whether the substitution happens.
func TestModulusException8(t *testing.T) {
	table, err := LoadModulusTable(strings.NewReader("086090 086090 MOD10 1 1 1 1 1 1 1 1 1 1 1 1 1 1 8\n"), strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	// 0+9+0+1+2+6 (090126) + 2 = 20: passes only with the substitute sort code.
	if err := table.Check("086090", "00000002"); err != nil {
		t.Errorf("with 090126 in place of 086090 the check passes: %v", err)
	}
	// 0+8+6+0+9+0 (086090) + 7 = 30 would pass without the substitution.
	if err := table.Check("086090", "00000007"); err == nil {
		t.Error("the check must use 090126, not 086090")
	}
}

func TestModulusCheckRejectsMalformedInput(t *testing.T) {
	table := DefaultModulusTable()
	for _, c := range []struct {
		sortCode, account string
		kind              Kind
		problem           Problem
	}{
		{"", "66374958", KindSortCode, Missing},
		{"08999", "66374958", KindSortCode, Format},
		{"089999", "", KindAccountNumber, Missing},
		{"089999", "66374", KindAccountNumber, Format},
		{"089999", "66374958123", KindAccountNumber, Format},
	} {
		err := table.Check(c.sortCode, c.account)
		var e *Error
		if !errors.As(err, &e) || e.Kind != c.kind || e.Problem != c.problem {
			t.Errorf("%q %q: want a %s %s error, got %v", c.sortCode, c.account, c.kind, c.problem, err)
		}
	}
}

func TestModulusTableBankAccount(t *testing.T) {
	table := DefaultModulusTable()
	got, err := table.BankAccount("18-00-02", "000190")
	if err != nil || got != (BankAccount{SortCode: "180002", AccountNumber: "00000190"}) {
		t.Errorf("want 180002 00000190, got %+v, %v", got, err)
	}
	got, err = table.BankAccount("107999", "88837493")
	if err == nil || got != (BankAccount{}) {
		t.Errorf("a failed check must return no account, got %+v, %v", got, err)
	}
}

func FuzzModulus(f *testing.F) {
	f.Add("089999", "66374958")
	f.Add("08-99-90", "966374958")
	f.Add("107999", "42-88837491")
	f.Add("180002", "000190")
	f.Add("938600", "42368003")
	f.Add("309070", "12345668")
	table := DefaultModulusTable()
	f.Fuzz(func(t *testing.T, sortCode, account string) {
		ba, err := table.BankAccount(sortCode, account)
		_, formatErr := NormaliseBankAccount(sortCode, account)
		if formatErr != nil {
			if err == nil {
				t.Fatalf("%q %q: malformed but passed the check", sortCode, account)
			}
			return
		}
		// The check gives the same answer for the normalised form as for the input.
		norm, _ := NormaliseBankAccount(sortCode, account)
		if again := table.Check(norm.SortCode, norm.AccountNumber); (again == nil) != (err == nil) {
			t.Fatalf("%q %q: %v, but normalised %+v: %v", sortCode, account, err, norm, again)
		}
		if err == nil && ba != norm {
			t.Fatalf("%q %q: BankAccount returned %+v, want %+v", sortCode, account, ba, norm)
		}
	})
}

func BenchmarkModulusCheck(b *testing.B) {
	table := DefaultModulusTable()
	for b.Loop() {
		_ = table.Check("938063", "15764273") // near the end of the table, two checks
	}
}

// TestModulusRefusesLongNumbersAtOtherBanks: a 9- or 10-digit number is accepted only at
// the sort codes of the banks that issue them, whichever conversion would pass the check
// (a Barclays sort code with 10 digits was once accepted because some rule passed).
func TestModulusRefusesLongNumbersAtOtherBanks(t *testing.T) {
	table := DefaultModulusTable()
	for _, c := range []struct {
		sortCode, account, says string
	}{
		{"20-00-00", "0010000003", "only NatWest and the Co-operative Bank issue account numbers of 10 digits, and 20-00-00"},
		{"107999", "4288837491", "10-79-99 is not one of their sort codes"},
		{"089990", "966374958", "only Santander issues account numbers of 9 digits, and 08-99-90"},
		{"309430", "100733445", "30-94-30 is not a Santander sort code"},
	} {
		err := table.Check(c.sortCode, c.account)
		var e *Error
		if !errors.As(err, &e) || e.Kind != KindAccountNumber || e.Problem != Format || !strings.Contains(e.Message, c.says) {
			t.Errorf("%s %s: want refused naming the rule (%q), got %v", c.sortCode, c.account, c.says, err)
		}
	}
}

// TestPaymentAccount: the 6-digit sort code and 8-digit account a payment file carries.
func TestPaymentAccount(t *testing.T) {
	for _, c := range []struct {
		sortCode, account, wantSort, wantAccount string
	}{
		{"30-94-30", "733445", "309430", "00733445"},      // 6 digits, padded
		{"086090", "6774744", "086090", "06774744"},       // 7 digits, padded
		{"560003", "13354647", "560003", "13354647"},      // 8 digits, as they are
		{"090128", "279336043", "090122", "79336043"},     // Santander
		{"72-00-10", "123456789", "720011", "23456789"},   // Santander (formerly Alliance & Leicester)
		{"601613", "0123456789", "601613", "23456789"},    // NatWest: the last eight
		{"01-00-01", "01-23456789", "010001", "23456789"}, // NatWest, with its hyphen
		{"089299", "1234567890", "089299", "12345678"},    // Co-operative Bank: the first eight
		{"839100", "1234567890", "839100", "12345678"},    // Co-operative Bank
	} {
		sc, acc, err := PaymentAccount(c.sortCode, c.account)
		if err != nil || sc != c.wantSort || acc != c.wantAccount {
			t.Errorf("%s %s: want %s %s, got %s %s %v", c.sortCode, c.account, c.wantSort, c.wantAccount, sc, acc, err)
		}
	}
	for _, c := range [][2]string{{"200000", "1234567890"}, {"200000", "123456789"}, {"601613", "123456789"}, {"090128", "1234567890"}} {
		if _, _, err := PaymentAccount(c[0], c[1]); err == nil {
			t.Errorf("%s %s: want refused", c[0], c[1])
		}
	}
	if _, _, err := PaymentAccount("12", "12345678"); err == nil {
		t.Error("a malformed sort code: want refused")
	}
}
