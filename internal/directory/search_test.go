package directory_test

import (
	"testing"

	"github.com/council/provider-portal/internal/directory"
)

// A query is read as every identifier it can be, normalised as the record stores it.
func TestDirectoryParseSearch(t *testing.T) {
	tests := []struct {
		in   string
		want directory.Search
	}{
		{"  Acorn   Fostering ", directory.Search{Text: "Acorn Fostering"}},
		{"sc 057941", directory.Search{Text: "sc 057941", OfstedURN: "SC057941", CompanyNumber: "SC057941"}},
		{"1 - 101726253", directory.Search{Text: "1 - 101726253", CQCID: "1-101726253"}},
		{"nn11ed", directory.Search{Text: "nn11ed", Postcode: "NN1 1ED"}},
		{"nn1", directory.Search{Text: "nn1", OutwardCode: "NN1"}},
		{"GB 980 7806 84", directory.Search{Text: "GB 980 7806 84", VAT: "GB980780684"}},
		{"9121572", directory.Search{Text: "9121572", CompanyNumber: "09121572", OfstedURN: "9121572"}},
		{"sup1001", directory.Search{Text: "sup1001", SupplierRef: "SUP1001"}},
		{"", directory.Search{}},
	}
	for _, tt := range tests {
		if got := directory.ParseSearch(tt.in); got != tt.want {
			t.Errorf("ParseSearch(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestDirectoryFilterValidate(t *testing.T) {
	long := make([]rune, 201)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		name  string
		f     directory.Filter
		field string
	}{
		{"every filter known", directory.Filter{Query: "acorn", Status: "approved", RAG: "unrated", Category: "childrens_homes",
			Rating: "good", Route: "dps", Framework: "East Midlands placements"}, ""},
		{"unknown status", directory.Filter{Status: "deleted"}, "status"},
		{"unknown rating colour", directory.Filter{RAG: "blue"}, "rag"},
		{"unknown category", directory.Filter{Category: "zoos"}, "category"},
		{"unknown regulator rating", directory.Filter{Rating: "fine"}, "rating"},
		{"unknown route", directory.Filter{Route: "barter"}, "route"},
		{"search too long", directory.Filter{Query: string(long)}, "q"},
		{"control character", directory.Filter{Query: "a\x00b"}, "q"},
		{"not UTF-8", directory.Filter{Query: "caf\xe9"}, "q"},
		{"framework not UTF-8", directory.Filter{Framework: "\xff"}, "framework"},
	}
	for _, tt := range tests {
		errs := tt.f.Validate()
		if tt.field == "" && len(errs) > 0 {
			t.Errorf("%s: %v", tt.name, errs)
		}
		if tt.field != "" && (len(errs) != 1 || errs[tt.field] == "") {
			t.Errorf("%s: %v, want one message for %s", tt.name, errs, tt.field)
		}
	}
}
