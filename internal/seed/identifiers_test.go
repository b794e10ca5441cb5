package seed

import (
	"testing"

	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// TestIdentifiersPassTheFormsChecks draws many of each identifier and runs the check the
// form runs on it: each must pass and come back unchanged, that is, already normalised.
func TestIdentifiersPassTheFormsChecks(t *testing.T) {
	t.Parallel()
	table := ukid.DefaultModulusTable()
	cases := []struct {
		name  string
		make  func(r rng) string
		check func(s string) (string, error)
	}{
		{"VAT", vatNumber, ukid.VAT},
		{"company", func(r rng) string { return companyNumber(r, false) }, ukid.CompaniesHouse},
		{"LLP", func(r rng) string { return companyNumber(r, true) }, ukid.CompaniesHouse},
		{"charity", charityNumber, func(s string) (string, error) {
			c, err := ukid.CharityNumber(s)
			return c.Number, err
		}},
		{"Ofsted URN, social care", func(r rng) string { return ofstedURN(r, false) }, ukid.OfstedURN},
		{"Ofsted URN, school", func(r rng) string { return ofstedURN(r, true) }, ukid.OfstedURN},
		{"CQC id", cqcID, ukid.CQCID},
		{"DBS certificate", dbsCertificate, ukid.DBSCertificate},
		{"phone", phone, ukid.Phone},
		{"postcode", func(r rng) string { return postcode(r, pick(r, towns)) }, ukid.Postcode},
		{"email", func(r rng) string { return "jo.bloggs@" + slug(pick(r, nameStems)+" Homes") + "7.example.org" }, validate.NormaliseEmail},
		{"bank account", func(r rng) string {
			ba := bankAccount(r, table)
			return ba.SortCode + "/" + ba.AccountNumber
		}, func(s string) (string, error) {
			ba, err := table.BankAccount(s[:6], s[7:])
			return ba.SortCode + "/" + ba.AccountNumber, err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			draws := 2000
			if tc.name == "bank account" {
				draws = 300 // each draw runs the modulus check about eleven times
			}
			for i := range draws {
				v := tc.make(newRNG(7, streamProvider, i))
				got, err := tc.check(v)
				if err != nil {
					t.Fatalf("draw %d: %q fails the check: %v", i, v, err)
				}
				if got != v {
					t.Fatalf("draw %d: %q is stored as %q: not normalised", i, v, got)
				}
			}
		})
	}
}

// TestEveryTownsPostcodesAreValid checks each district of every town once, since a bad
// district in the list would show only when drawn.
func TestEveryTownsPostcodesAreValid(t *testing.T) {
	for _, tw := range towns {
		for _, d := range tw.districts {
			p := d + " 1AB"
			if got, err := ukid.Postcode(p); err != nil || got != p {
				t.Errorf("%s: %q gives %q, %v", tw.name, p, got, err)
			}
		}
	}
}

func TestRNGIsDeterministicPerStreamAndIndex(t *testing.T) {
	cases := []struct {
		name   string
		a, b   rng
		sameAs bool
	}{
		{"same seed, stream and index", newRNG(1, streamProvider, 5), newRNG(1, streamProvider, 5), true},
		{"another index", newRNG(1, streamProvider, 5), newRNG(1, streamProvider, 6), false},
		{"another stream", newRNG(1, streamProvider, 5), newRNG(1, streamContract, 5), false},
		{"another seed", newRNG(1, streamProvider, 5), newRNG(2, streamProvider, 5), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tc.a.uuid()+tc.a.digits(12), tc.b.uuid()+tc.b.digits(12)
			if (a == b) != tc.sameAs {
				t.Errorf("%q and %q: same %v, want %v", a, b, a == b, tc.sameAs)
			}
		})
	}
}

func TestUUIDsAreVersion4(t *testing.T) {
	r := newRNG(3, streamProvider, 0)
	for range 1000 {
		id := r.uuid()
		if !db.IsUUID(id) || id[14] != '4' || (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
	}
}

func TestAssignContractsFavoursSomeProviders(t *testing.T) {
	payable := make([]int, 1000)
	for i := range payable {
		payable[i] = i
	}
	got := assignContracts(9, payable, 0, 2000)
	total, most := 0, 0
	for _, js := range got {
		total += len(js)
		most = max(most, len(js))
	}
	if total != 2000 {
		t.Errorf("%d contracts assigned, want 2000", total)
	}
	if len(got) >= 1000 || most < 3 {
		t.Errorf("%d providers hold contracts, the most %d: want some with several and some with none", len(got), most)
	}
	if len(assignContracts(9, nil, 0, 10)) != 0 {
		t.Error("contracts assigned with no payable provider")
	}
}
