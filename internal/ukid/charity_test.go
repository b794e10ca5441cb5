package ukid

import (
	"errors"
	"testing"
)

func TestCharityNumber(t *testing.T) {
	valid := []struct {
		in, scheme, number, str, orgID string
	}{
		{"1123456", SchemeEnglandWales, "1123456", "1123456", "GB-CHC-1123456"},
		{"205846", SchemeEnglandWales, "205846", "205846", "GB-CHC-205846"},
		{" 112 3456 ", SchemeEnglandWales, "1123456", "1123456", "GB-CHC-1123456"},
		{"1123456-1", SchemeEnglandWales, "1123456-1", "1123456-1", "GB-CHC-1123456-1"},
		{"1123456\u20131", SchemeEnglandWales, "1123456-1", "1123456-1", "GB-CHC-1123456-1"}, // en dash
		{"232218 - 12", SchemeEnglandWales, "232218-12", "232218-12", "GB-CHC-232218-12"},
		{"SC012345", SchemeScotland, "SC012345", "SC012345", "GB-SC-SC012345"},
		{"sc 012 345", SchemeScotland, "SC012345", "SC012345", "GB-SC-SC012345"},
		{"SC-012345", SchemeScotland, "SC012345", "SC012345", "GB-SC-SC012345"},
		{"NIC100002", SchemeNorthernIreland, "100002", "NIC100002", "GB-NIC-100002"},
		{"nic 104 567", SchemeNorthernIreland, "104567", "NIC104567", "GB-NIC-104567"},
		{"100002", SchemeNorthernIreland, "100002", "NIC100002", "GB-NIC-100002"}, // bare CCNI number
		{"SC043215", SchemeScotland, "SC043215", "SC043215", "GB-SC-SC043215"},
		{"SC000001", SchemeScotland, "SC000001", "SC000001", "GB-SC-SC000001"},
		{"sc0 99999", SchemeScotland, "SC099999", "SC099999", "GB-SC-SC099999"},
		{"199999", SchemeNorthernIreland, "199999", "NIC199999", "GB-NIC-199999"}, // top of the CCNI range
		{"200000", SchemeEnglandWales, "200000", "200000", "GB-CHC-200000"},       // first six-digit E&W number
		{"1000001", SchemeEnglandWales, "1000001", "1000001", "GB-CHC-1000001"},
	}
	for _, c := range valid {
		got, err := CharityNumber(c.in)
		if err != nil || got.Scheme != c.scheme || got.Number != c.number {
			t.Errorf("%q: want %s %s, got %+v, %v", c.in, c.scheme, c.number, got, err)
			continue
		}
		if got.String() != c.str || got.OrgID() != c.orgID {
			t.Errorf("%q: want %q and %q, got %q and %q", c.in, c.str, c.orgID, got.String(), got.OrgID())
		}
	}

	invalid := []struct {
		in      string
		problem Problem
	}{
		{"", Missing},
		{"12345", Format},      // too short
		{"12345678", Format},   // too long
		{"0123456", Format},    // a leading zero
		{"099999", Format},     // below every register
		{"SC12345", Format},    // Scotland needs 6 digits
		{"SC123456", Format},   // Scottish numbers start SC0
		{"SC154321", Format},   //
		{"SC912345", Format},   //
		{"SC0123456", Format},  // SC0 and 6 digits: one too many
		{"SC01234", Format},    // SC0 and 4 digits: one too few
		{"NIC1000021", Format}, // NI needs exactly 6 digits
		{"SCO12345", Format},   // a letter O for the zero
		{"SC000000", Format},   //
		{"NIC10002", Format},   // NI needs 6 digits
		{"NI100002", Format},   // that is a company prefix, not a charity one
		{"1123456-", Format},   // an empty linked number
		{"1123456-01", Format}, // linked numbers have no leading zero
		{"1123456-1234", Format},
		{"1123456-1-2", Format},
		{"100002-1", Format}, // Northern Ireland has no linked charities
		{"CHC1123456", Format},
	}
	for _, c := range invalid {
		got, err := CharityNumber(c.in)
		var e *Error
		if !errors.As(err, &e) || e.Problem != c.problem || e.Kind != KindCharityNumber {
			t.Errorf("%q: want a %s error, got %+v, %v", c.in, c.problem, got, err)
		}
		if got != (Charity{}) {
			t.Errorf("%q: an invalid number must return no charity, got %+v", c.in, got)
		}
	}
}

func FuzzCharityNumber(f *testing.F) {
	for _, s := range []string{"1123456", "1123456-1", "SC012345", "NIC100002", "100002", "-", "SC-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CharityNumber(s)
		if err != nil {
			return
		}
		again, err := CharityNumber(c.String())
		if err != nil || again != c {
			t.Fatalf("%q gave %+v, whose String %q gave %+v, %v", s, c, c.String(), again, err)
		}
	})
}
