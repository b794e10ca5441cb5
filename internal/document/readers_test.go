package document

import "testing"

func TestMayRead(t *testing.T) {
	tests := []struct {
		kind   string
		roles  []string
		member bool
		want   bool
	}{
		{KindBankChangeEvidence, []string{"finance"}, false, true},
		{KindBankChangeEvidence, []string{"officer"}, false, false},
		{KindBankChangeEvidence, []string{"admin", "dpo"}, false, false},
		{KindBankChangeEvidence, []string{"provider"}, true, false},
		{KindInsuranceCertificate + ":public_liability", []string{"provider"}, true, true},
		{KindInsuranceCertificate + ":public_liability", []string{"provider"}, false, false},
		{KindInsuranceCertificate + ":public_liability", []string{"officer"}, false, true},
		{KindInsuranceCertificate + ":public_liability", []string{"finance"}, false, false},
		{KindQAEvidence, []string{"admin"}, false, false},
		{"some_new_kind", []string{"officer", "finance", "dpo", "admin"}, true, false},
	}
	for _, tt := range tests {
		if got := MayRead(tt.kind, tt.roles, tt.member); got != tt.want {
			t.Errorf("MayRead(%q, %v, member %v) = %v, want %v", tt.kind, tt.roles, tt.member, got, tt.want)
		}
	}
}
