package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSectionsABankDetailsLongNumbersOnlyAtTheirBanks: the provider's bank form refuses a
// 10-digit account at a bank that issues none (a Barclays sort code), with a message naming
// the rule, and accepts a Santander 9-digit number, shown and kept as the bank issued it.
func TestSectionsABankDetailsLongNumbersOnlyAtTheirBanks(t *testing.T) {
	t.Parallel()
	s, org, c := startSectionsA(t)
	resp, doc := postSectionA(t, c, "bank-details", url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"20-00-00"},
		"account_number": {"0010000003"}, "action": {"save"}})
	msg := strings.TrimSpace(doc.Find("#account_number-error").Text())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "only NatWest and the Co-operative Bank issue account numbers of 10 digits, and 20-00-00 is not one of their sort codes") {
		t.Errorf("10 digits at a Barclays sort code: status %d, message %q", resp.StatusCode, msg)
	}
	if v, _ := doc.Find("input#account_number").Attr("value"); v != "0010000003" {
		t.Errorf("the typed account number is not kept: %q", v)
	}
	if n := count(t, s, `SELECT count(*) FROM provider_sections WHERE organisation_id = $1`, org); n != 0 {
		t.Fatal("refused bank details were saved")
	}

	resp, doc = postSectionA(t, c, "bank-details", url.Values{"account_name": {"Acorn Fostering Ltd"}, "sort_code": {"09-01-28"},
		"account_number": {"279336043"}, "action": {"save"}})
	if got := strings.TrimSpace(doc.Find("[data-check-account-number]").Text()); resp.StatusCode != http.StatusOK || got != "279336043" {
		t.Errorf("a Santander 9-digit number: status %d, check page shows %q", resp.StatusCode, got)
	}
}
