package privacy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/form"
)

func validDisclosure() DisclosureInput {
	return DisclosureInput{
		DisclosedOn:   form.DateInput{Day: "3", Month: "3", Year: "2026"},
		RecipientKind: "police", RecipientName: "Metropolitan Police, CAIT",
		What:        "Names and roles of two members of staff at SUP1001",
		LawfulBasis: "crime",
	}
}

func TestDisclosureValidation(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		change func(*DisclosureInput)
		field  string // "" for valid
	}{
		{"valid", func(*DisclosureInput) {}, ""},
		{"no date", func(in *DisclosureInput) { in.DisclosedOn = form.DateInput{} }, "disclosed_on"},
		{"not a real date", func(in *DisclosureInput) { in.DisclosedOn = form.DateInput{Day: "31", Month: "2", Year: "2026"} }, "disclosed_on"},
		{"in the future", func(in *DisclosureInput) { in.DisclosedOn = form.DateInput{Day: "11", Month: "3", Year: "2026"} }, "disclosed_on"},
		{"today", func(in *DisclosureInput) { in.DisclosedOn = form.DateInput{Day: "10", Month: "3", Year: "2026"} }, ""},
		{"unknown kind of body", func(in *DisclosureInput) { in.RecipientKind = "press" }, "recipient_kind"},
		{"no body named", func(in *DisclosureInput) { in.RecipientName = "" }, "recipient_name"},
		{"body name too long", func(in *DisclosureInput) { in.RecipientName = strings.Repeat("x", 301) }, "recipient_name"},
		{"nothing said of what was shared", func(in *DisclosureInput) { in.What = "" }, "what"},
		{"unknown basis", func(in *DisclosureInput) { in.LawfulBasis = "because" }, "lawful_basis"},
		{"legal obligation without the law", func(in *DisclosureInput) { in.LawfulBasis = "legal_obligation" }, "lawful_basis_detail"},
		{"public task without the law", func(in *DisclosureInput) { in.LawfulBasis = "public_task" }, "lawful_basis_detail"},
		{"public task naming the law", func(in *DisclosureInput) {
			in.LawfulBasis, in.LawfulBasisDetail = "public_task", "Children Act 1989 s.47"
		}, ""},
		{"long reference", func(in *DisclosureInput) { in.TheirReference = strings.Repeat("r", 201) }, "their_reference"},
	}
	for _, tt := range tests {
		in := validDisclosure()
		tt.change(&in)
		on, errs := in.Validate(today)
		switch {
		case tt.field == "" && len(errs) > 0:
			t.Errorf("%s: %v, want valid", tt.name, errs)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%s: %v, want a message for %s", tt.name, errs, tt.field)
		case tt.field == "" && on.IsZero():
			t.Errorf("%s: no date returned", tt.name)
		}
	}
}

func TestDisclosureFilterValidation(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter DisclosureFilter
		field  string
	}{
		{"unknown kind", DisclosureFilter{RecipientKind: "x"}, "recipient_kind"},
		{"unknown basis", DisclosureFilter{LawfulBasis: "x"}, "lawful_basis"},
		{"end before start", DisclosureFilter{From: day, To: day.AddDate(0, 0, -1)}, "to"},
		{"long search", DisclosureFilter{Text: strings.Repeat("q", 201)}, "q"},
	}
	for _, tt := range tests {
		if errs := tt.filter.Validate(); errs[tt.field] == "" {
			t.Errorf("%s: %v, want a message for %s", tt.name, errs, tt.field)
		}
	}
	where, args, err := DisclosureFilter{Text: "50%_off", RecipientKind: "police"}.where(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(where, "strpos") || len(args) != 2 || args[1] != "50%_off" {
		t.Errorf("the search is not a plain substring match: %s %v", where, args)
	}
}
