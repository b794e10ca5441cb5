package web

import (
	"fmt"
	"slices"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
)

// Field is the view model of the "field-input" partial. Templates build one with the
// `field` function: {{template "field-input" (field "email" "Email address" .Email (.ErrorFor "email"))}}.
type Field struct {
	ID, Name, Label, Hint, Value, Error string
	Type, Class, LabelClass             string
	Autocomplete, Inputmode             string
	NoSpellcheck                        bool
	Rows                                int
}

// field makes a text Field; options are "key=value" pairs for the rest.
func field(name, label, value, errMsg string, options ...string) Field {
	f := Field{ID: name, Name: name, Label: label, Value: value, Error: errMsg, Type: "text"}
	for _, o := range options {
		for i := 0; i < len(o); i++ {
			if o[i] != '=' {
				continue
			}
			k, v := o[:i], o[i+1:]
			switch k {
			case "type":
				f.Type = v
			case "hint":
				f.Hint = v
			case "class":
				f.Class = v
			case "labelClass":
				f.LabelClass = v
			case "autocomplete":
				f.Autocomplete = v
			case "inputmode":
				f.Inputmode = v
			case "rows":
				fmt.Sscan(v, &f.Rows)
			case "spellcheck":
				f.NoSpellcheck = v == "false"
			}
			break
		}
	}
	return f
}

// Choice is the view model of the "field-radios" and "field-checkboxes" partials.
type Choice struct {
	ID, Name, Legend, Hint, Error string
	Options                       []provider.Option
	Selected                      []string
	Inline                        bool
}

// IsSelected reports whether an option is chosen.
func (c Choice) IsSelected(v string) bool { return slices.Contains(c.Selected, v) }

// choice makes a Choice; value is a string (radios) or []string (checkboxes).
func choice(name, legend string, options []provider.Option, value any, errMsg string, hint ...string) Choice {
	ch := Choice{ID: name, Name: name, Legend: legend, Options: options, Error: errMsg}
	switch v := value.(type) {
	case string:
		ch.Selected = []string{v}
	case []string:
		ch.Selected = v
	}
	if len(hint) > 0 {
		ch.Hint = hint[0]
	}
	ch.Inline = len(options) == 2
	return ch
}

// DateField is the view model of the "field-date" partial.
type DateField struct {
	ID, Legend, Hint, Error string
	Value                   form.DateInput
}

func dateField(name, legend string, value form.DateInput, errMsg string, hint ...string) DateField {
	d := DateField{ID: name, Legend: legend, Value: value, Error: errMsg, Hint: "For example, 27 3 2024"}
	if len(hint) > 0 {
		d.Hint = hint[0]
	}
	return d
}

// prefixed names a field of item i of a repeated fieldset: "contacts-2-email".
func prefixed(list string, i int, field string) string {
	return fmt.Sprintf("%s-%d-%s", list, i, field)
}

// contractSelect is the view model of the "contracts-select" partial, a select field the
// contract, dashboard and directory forms share.
type contractSelect struct {
	ID, Label, LabelClass, Hint, Error string
	// Empty is the text of the first option, which selects nothing.
	Empty   string
	Value   string
	Options []provider.Option
}
