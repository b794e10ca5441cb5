package finance

import (
	"testing"

	"github.com/council/provider-portal/internal/provider"
)

// TestPayeeConvert: the file pays the converted pair; an account approved before the rule
// that no bank could have issued (10 digits at a Barclays sort code) is not paid at all but
// flagged, with the number on file beside it.
func TestPayeeConvert(t *testing.T) {
	for _, tc := range []struct {
		sortCode, account, wantSort, wantAccount, wantStatus, wantIssued string
		status                                                           provider.Status
	}{
		{"089999", "66374958", "089999", "66374958", SupplierActive, "", provider.StatusApproved},
		{"090128", "279336043", "090122", "79336043", SupplierActive, "090128 279336043", provider.StatusApproved},
		{"601613", "0010000003", "601613", "10000003", SupplierSuspended, "601613 0010000003", provider.StatusSuspended},
		{"200000", "0010000003", "", "", SupplierCheckBankDetails, "200000 0010000003", provider.StatusApproved},
	} {
		p := &Payee{Status: tc.status, Account: ClearAccount{SortCode: tc.sortCode, AccountNumber: tc.account},
			Standing: &provider.SupplierStanding{}}
		p.convert()
		if p.PaymentSortCode != tc.wantSort || p.PaymentAccountNumber != tc.wantAccount || p.SupplierStatus != tc.wantStatus ||
			p.accountAsIssued() != tc.wantIssued {
			t.Errorf("%s %s: paid %q %q, status %q, as issued %q", tc.sortCode, tc.account, p.PaymentSortCode, p.PaymentAccountNumber,
				p.SupplierStatus, p.accountAsIssued())
		}
	}
}
