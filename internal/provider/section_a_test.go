package provider_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/vault"
)

// checkErrorsA compares Validate's messages with the ones wanted, exactly.
func checkErrorsA(t *testing.T, got, want map[string]string) {
	t.Helper()
	if want == nil {
		want = map[string]string{}
	}
	if !maps.Equal(got, want) {
		t.Errorf("errors\n got %v\nwant %v", got, want)
	}
}

func validContactsAnswersA() *provider.ContactsAnswers {
	return &provider.ContactsAnswers{KeyContactName: "Pat Jones", KeyContactRole: "Registered Manager",
		KeyContactEmail: "pat@acorn.example", KeyContactPhone: "07700 900982"}
}

func TestContactsValidate(t *testing.T) {
	sam := provider.Contact{Name: "Sam Lee", Role: "Finance lead", Email: "sam@acorn.example", Phone: "01632 960 001"}
	cases := []struct {
		name   string
		change func(a *provider.ContactsAnswers)
		want   map[string]string
		check  func(t *testing.T, a *provider.ContactsAnswers)
	}{
		{"valid, phones normalised", func(a *provider.ContactsAnswers) {
			a.KeyContactPhone = "+44 (0)7700 900982"
			a.Others = []provider.Contact{sam}
		}, nil, func(t *testing.T, a *provider.ContactsAnswers) {
			if a.KeyContactPhone != "07700900982" || a.Others[0].Phone != "01632960001" {
				t.Errorf("phones %q %q", a.KeyContactPhone, a.Others[0].Phone)
			}
		}},
		{"key contact missing", func(a *provider.ContactsAnswers) { *a = provider.ContactsAnswers{} }, map[string]string{
			"key_contact_name":  "Enter the key contact's full name",
			"key_contact_role":  "Enter the key contact's role",
			"key_contact_email": "Enter the key contact's email address",
			"key_contact_phone": "Enter the key contact's telephone number",
		}, nil},
		{"key contact email and phone malformed", func(a *provider.ContactsAnswers) {
			a.KeyContactEmail, a.KeyContactPhone = "pat@acorn", "+1 202 555 0100"
		}, map[string]string{
			"key_contact_email": "Enter the email address in the correct format, like name@example.com",
			"key_contact_phone": "Enter a UK telephone number, like 01632 960001 or 07700 900982",
		}, nil},
		{"further contacts named by position", func(a *provider.ContactsAnswers) {
			second := sam
			second.Name, second.Email = "", "not an email"
			a.Others = []provider.Contact{{}, second}
		}, map[string]string{
			"contacts-0-name":  "Enter contact 2's name",
			"contacts-0-role":  "Enter contact 2's role",
			"contacts-0-email": "Enter contact 2's email address",
			"contacts-0-phone": "Enter contact 2's telephone number",
			"contacts-1-name":  "Enter contact 3's name",
			"contacts-1-email": "Enter the email address in the correct format, like name@example.com",
		}, nil},
		{"further contact too long", func(a *provider.ContactsAnswers) {
			long := sam
			long.Role = strings.Repeat("r", 201)
			a.Others = []provider.Contact{long}
		}, map[string]string{"contacts-0-role": "Contact 2's role must be 200 characters or fewer"}, nil},
		{"too many further contacts", func(a *provider.ContactsAnswers) {
			for range 21 {
				a.Others = append(a.Others, sam)
			}
		}, map[string]string{"contacts": "You can add up to 20 other contacts"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := validContactsAnswersA()
			tc.change(a)
			checkErrorsA(t, a.Validate(provider.Checks{}), tc.want)
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

func TestAddressesValidate(t *testing.T) {
	registered := func() *provider.AddressesAnswers {
		return &provider.AddressesAnswers{RegLine1: "1 High Street", RegTown: "London", RegPostcode: "sw1a1aa", CorrespondenceSame: "yes"}
	}
	cases := []struct {
		name   string
		change func(a *provider.AddressesAnswers)
		want   map[string]string
		check  func(t *testing.T, a *provider.AddressesAnswers)
	}{
		{"same address: postcode normalised, other address dropped", func(a *provider.AddressesAnswers) {
			a.CorrLine1, a.CorrPostcode = "Left over", "nonsense"
		}, nil, func(t *testing.T, a *provider.AddressesAnswers) {
			if a.RegPostcode != "SW1A 1AA" {
				t.Errorf("postcode %q", a.RegPostcode)
			}
			if a.CorrLine1 != "" || a.CorrPostcode != "" {
				t.Errorf("correspondence address kept although the same: %+v", a)
			}
			if got := strings.Join(a.Correspondence(), ", "); got != "1 High Street, London, SW1A 1AA" {
				t.Errorf("correspondence %q", got)
			}
		}},
		{"different address normalised", func(a *provider.AddressesAnswers) {
			a.CorrespondenceSame, a.CorrLine1, a.CorrTown, a.CorrPostcode = "no", "PO Box 12", "Leeds", " ls1  1ba "
		}, nil, func(t *testing.T, a *provider.AddressesAnswers) {
			if a.CorrPostcode != "LS1 1BA" {
				t.Errorf("correspondence postcode %q", a.CorrPostcode)
			}
		}},
		{"nothing answered", func(a *provider.AddressesAnswers) { *a = provider.AddressesAnswers{} }, map[string]string{
			"reg_line1":           "Enter the first line of the registered office address",
			"reg_town":            "Enter the town or city",
			"reg_postcode":        "Enter a postcode",
			"correspondence_same": "Select yes if we should send post to the registered office",
		}, nil},
		{"registered postcode not real", func(a *provider.AddressesAnswers) { a.RegPostcode = "QQ1 1QQ" },
			map[string]string{"reg_postcode": "Enter a real postcode, like SW1A 1AA"}, nil},
		{"different address missing", func(a *provider.AddressesAnswers) { a.CorrespondenceSame = "no" }, map[string]string{
			"corr_line1":    "Enter the first line of the correspondence address",
			"corr_town":     "Enter the town or city of the correspondence address",
			"corr_postcode": "Enter a postcode",
		}, nil},
		{"crafted answer", func(a *provider.AddressesAnswers) { a.CorrespondenceSame = "maybe" },
			map[string]string{"correspondence_same": "Select yes if we should send post to the registered office"}, nil},
		{"line too long", func(a *provider.AddressesAnswers) { a.RegLine2 = strings.Repeat("x", 201) },
			map[string]string{"reg_line2": "The second line of the address must be 200 characters or fewer"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := registered()
			tc.change(a)
			checkErrorsA(t, a.Validate(provider.Checks{}), tc.want)
			if tc.check != nil {
				tc.check(t, a)
			}
		})
	}
}

func TestVATValidate(t *testing.T) {
	const format = "Enter a VAT number in the correct format, like GB123456789"
	cases := []struct {
		registered, number string
		want               map[string]string
		stored             string // the number after Validate
	}{
		{"yes", "gb 980 7806 84", nil, "GB980780684"},
		{"yes", "980780684", nil, "GB980780684"},
		{"yes", "XI 980 7806 84", nil, "XI980780684"},
		{"yes", "GB980780684001", nil, "GB980780684001"},
		{"yes", "gd001", nil, "GBGD001"},
		{"yes", "HA599", nil, "GBHA599"},
		{"yes", "GD500", map[string]string{"vat_number": format}, "GD500"},
		{"yes", "GB98078068", map[string]string{"vat_number": format}, "GB98078068"},
		{"yes", "GB980780685", map[string]string{"vat_number": "Enter a real VAT number – check it against your VAT registration certificate"}, "GB980780685"},
		{"yes", "", map[string]string{"vat_number": "Enter a VAT number"}, ""},
		{"no", "GB980780684", nil, ""},
		{"", "GB980780684", map[string]string{"vat_registered": "Select yes if the organisation is registered for VAT"}, "GB980780684"},
		{"perhaps", "", map[string]string{"vat_registered": "Select yes if the organisation is registered for VAT"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.registered+"/"+tc.number, func(t *testing.T) {
			a := &provider.VATAnswers{Registered: tc.registered, Number: tc.number}
			checkErrorsA(t, a.Validate(provider.Checks{}), tc.want)
			if a.Number != tc.stored {
				t.Errorf("number after Validate %q, want %q", a.Number, tc.stored)
			}
		})
	}
}

func TestBankValidate(t *testing.T) {
	checks := provider.Checks{Modulus: ukid.DefaultModulusTable()}
	cases := []struct {
		name string
		a    provider.BankAnswers
		want map[string]string
	}{
		{"valid", provider.BankAnswers{AccountName: "Acorn", SortCode: "08-99-99", AccountNumber: "6637 4958"}, nil},
		{"valid with roll number", provider.BankAnswers{AccountName: "Acorn", SortCode: "107999", AccountNumber: "88837491", RollNumber: "1234/567-8"}, nil},
		{"fails the modulus check", provider.BankAnswers{AccountName: "Acorn", SortCode: "089999", AccountNumber: "66374959"},
			map[string]string{"account_number": "Enter a sort code and account number that match – check them against a bank statement"}},
		{"10 digits at a Barclays sort code", provider.BankAnswers{AccountName: "Acorn", SortCode: "20-00-00", AccountNumber: "0010000003"},
			map[string]string{"account_number": "Enter an account number of 8 digits: only NatWest and the Co-operative Bank issue account numbers of 10 digits, and 20-00-00 is not one of their sort codes"}},
		{"9 digits outside Santander", provider.BankAnswers{AccountName: "Acorn", SortCode: "08-99-99", AccountNumber: "966374958"},
			map[string]string{"account_number": "Enter an account number of 8 digits: only Santander issues account numbers of 9 digits, and 08-99-99 is not a Santander sort code"}},
		{"9 digits at Santander, kept as issued", provider.BankAnswers{AccountName: "Acorn", SortCode: "09-01-28", AccountNumber: "279336043"}, nil},
		{"10 digits at NatWest", provider.BankAnswers{AccountName: "Acorn", SortCode: "60-16-13", AccountNumber: "00-10000003"}, nil},
		{"sort code malformed", provider.BankAnswers{AccountName: "Acorn", SortCode: "08999", AccountNumber: "66374958"},
			map[string]string{"sort_code": "Enter a valid sort code, like 309430"}},
		{"account number malformed", provider.BankAnswers{AccountName: "Acorn", SortCode: "089999", AccountNumber: "12AB"},
			map[string]string{"account_number": "Enter an account number of 6 to 10 digits, like 00733445"}},
		{"nothing given", provider.BankAnswers{}, map[string]string{
			"account_name":   "Enter the name on the account",
			"sort_code":      "Enter a sort code",
			"account_number": "Enter an account number",
		}},
		{"sort code without account number", provider.BankAnswers{AccountName: "Acorn", SortCode: "089999"},
			map[string]string{"account_number": "Enter an account number"}},
		{"roll number too long", provider.BankAnswers{AccountName: "Acorn", SortCode: "089999", AccountNumber: "66374958", RollNumber: strings.Repeat("9", 19)},
			map[string]string{"roll_number": "Building society roll number must be 18 characters or fewer"}},
		{"stored account kept", provider.BankAnswers{AccountName: "Acorn", AccountNumberSealed: "v1:k:sealed", SortCodeSealed: "v1:k:sealed"}, nil},
		{"roll number too long for a kept account", provider.BankAnswers{AccountName: "Acorn", AccountNumberSealed: "v1:k:sealed", RollNumber: strings.Repeat("9", 19)},
			map[string]string{"roll_number": "Building society roll number must be 18 characters or fewer"}},
		{"name too long", provider.BankAnswers{AccountName: strings.Repeat("n", 141), AccountNumberSealed: "v1:k:sealed"},
			map[string]string{"account_name": "The name on the account must be 140 characters or fewer"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.a
			checkErrorsA(t, a.Validate(checks), tc.want)
		})
	}
	t.Run("normalised for sealing", func(t *testing.T) {
		a := provider.BankAnswers{AccountName: "Acorn", SortCode: "08 99 99", AccountNumber: "66-37-49-58"}
		checkErrorsA(t, a.Validate(checks), nil)
		if a.SortCode != "089999" || a.AccountNumber != "66374958" || a.ModulusVersion != checks.Modulus.Version() {
			t.Errorf("after Validate: %q %q %q", a.SortCode, a.AccountNumber, a.ModulusVersion)
		}
	})
	t.Run("a 9-digit account is stored as the bank issued it", func(t *testing.T) {
		a := provider.BankAnswers{AccountName: "Acorn", SortCode: "09-01-28", AccountNumber: "279 336 043"}
		checkErrorsA(t, a.Validate(checks), nil)
		if a.SortCode != "090128" || a.AccountNumber != "279336043" {
			t.Errorf("after Validate: %q %q, want 090128 279336043 (converted only for checking and paying)", a.SortCode, a.AccountNumber)
		}
	})
}

func testVaultA(t *testing.T) *vault.Vault {
	t.Helper()
	v, err := vault.New(map[string][]byte{"test": bytes.Repeat([]byte{7}, vault.KeySize)}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sealedA validates and seals typed bank details as SaveSection does.
func sealedA(t *testing.T, v *vault.Vault, aad string, a *provider.BankAnswers) {
	t.Helper()
	if errs := a.Validate(provider.Checks{Modulus: ukid.DefaultModulusTable()}); len(errs) > 0 {
		t.Fatalf("validate: %v", errs)
	}
	if err := a.Seal(v, aad); err != nil {
		t.Fatal(err)
	}
}

func TestBankSealRoundTrip(t *testing.T) {
	v := testVaultA(t)
	const aad = "provider_sections:org-1:bank-details"
	a := &provider.BankAnswers{AccountName: "Acorn", SortCode: "08-99-99", AccountNumber: "66374958", RollNumber: "ROLL-1234"}
	sealedA(t, v, aad, a)

	if a.SortCode != "" || a.AccountNumber != "" || a.RollNumber != "" {
		t.Errorf("clear values kept after Seal: %q %q %q", a.SortCode, a.AccountNumber, a.RollNumber)
	}
	for _, tc := range []struct{ sealed, field, want string }{
		{a.SortCodeSealed, "sort_code", "089999"},
		{a.AccountNumberSealed, "account_number", "66374958"},
		{a.RollNumberSealed, "roll_number", "ROLL-1234"},
	} {
		if got, err := v.Open(tc.sealed, aad+":"+tc.field); err != nil || got != tc.want {
			t.Errorf("%s opens to %q, %v; want %q", tc.field, got, err, tc.want)
		}
		if _, err := v.Open(tc.sealed, "provider_sections:org-2:bank-details:"+tc.field); err == nil {
			t.Errorf("%s opens with another organisation's associated data", tc.field)
		}
	}
	if _, err := v.Open(a.AccountNumberSealed, aad+":sort_code"); err == nil {
		t.Error("the account number opens as the sort code")
	}
	if a.MaskedAccount() != "••••4958" || a.MaskedSortCode() != "••-••-99" || !a.HasRollNumber {
		t.Errorf("masked %q %q roll %v", a.MaskedAccount(), a.MaskedSortCode(), a.HasRollNumber)
	}
	stored, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"66374958", "089999", "ROLL-1234"} {
		if bytes.Contains(stored, []byte(secret)) {
			t.Errorf("stored JSON holds %q: %s", secret, stored)
		}
	}
	for _, row := range a.Summary() {
		if strings.Contains(row.Value, "6637") || strings.Contains(row.Value, "ROLL") {
			t.Errorf("summary row %q shows %q", row.Key, row.Value)
		}
	}
}

func TestBankKeepFrom(t *testing.T) {
	v := testVaultA(t)
	const aad = "provider_sections:org-1:bank-details"
	previous := &provider.BankAnswers{AccountName: "Acorn", SortCode: "089999", AccountNumber: "66374958", RollNumber: "R1"}
	sealedA(t, v, aad, previous)

	t.Run("blank inputs keep the stored account and roll number", func(t *testing.T) {
		a := &provider.BankAnswers{AccountName: "Acorn Ltd"}
		a.KeepFrom(previous)
		sealedA(t, v, aad, a)
		if a.AccountNumberSealed != previous.AccountNumberSealed || a.SortCodeSealed != previous.SortCodeSealed ||
			a.RollNumberSealed != previous.RollNumberSealed || !a.HasRollNumber {
			t.Errorf("stored account not kept: %+v", a)
		}
		if a.AccountLast4 != "4958" || a.SortCodeLast2 != "99" || a.ModulusVersion != previous.ModulusVersion {
			t.Errorf("masked digits or table version not kept: %+v", a)
		}
		if d := provider.Diff(previous, a); len(d) != 1 || d["account_name"] == nil {
			t.Errorf("diff of a name-only change: %v", d)
		}
	})
	t.Run("a new roll number for the kept account", func(t *testing.T) {
		a := &provider.BankAnswers{AccountName: "Acorn", RollNumber: "R2"}
		a.KeepFrom(previous)
		sealedA(t, v, aad, a)
		if a.AccountNumberSealed != previous.AccountNumberSealed {
			t.Error("account not kept")
		}
		if got, err := v.Open(a.RollNumberSealed, aad+":roll_number"); err != nil || got != "R2" {
			t.Errorf("roll number %q, %v", got, err)
		}
	})
	t.Run("a new account replaces everything", func(t *testing.T) {
		a := &provider.BankAnswers{AccountName: "Acorn", SortCode: "107999", AccountNumber: "88837491"}
		a.KeepFrom(previous)
		sealedA(t, v, aad, a)
		if got, err := v.Open(a.AccountNumberSealed, aad+":account_number"); err != nil || got != "88837491" {
			t.Errorf("new account opens to %q, %v", got, err)
		}
		if a.HasRollNumber || a.RollNumberSealed != "" {
			t.Error("the old account's roll number was kept for a new account")
		}
		d := provider.Diff(previous, a)
		for _, k := range []string{"account_number_sealed", "sort_code_sealed"} {
			if d[k] != "changed" {
				t.Errorf("diff shows %s as %v, want \"changed\"", k, d[k])
			}
		}
		b, _ := json.Marshal(d)
		if bytes.Contains(b, []byte("88837491")) || bytes.Contains(b, []byte(a.AccountNumberSealed)) {
			t.Errorf("diff reveals the account: %s", b)
		}
	})
	t.Run("half an account is not kept", func(t *testing.T) {
		a := &provider.BankAnswers{AccountName: "Acorn", SortCode: "089999"}
		a.KeepFrom(previous)
		errs := a.Validate(provider.Checks{Modulus: ukid.DefaultModulusTable()})
		checkErrorsA(t, errs, map[string]string{"account_number": "Enter an account number"})
	})
	t.Run("nothing to keep from another section's answers", func(t *testing.T) {
		a := &provider.BankAnswers{AccountName: "Acorn"}
		a.KeepFrom(&provider.VATAnswers{Registered: "no"})
		if a.AccountNumberSealed != "" {
			t.Error("kept something from another section")
		}
	})
}
