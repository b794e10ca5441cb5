package web

// Field is the view model of the "field-input" partial. Templates build one with the
// `field` function: {{template "field-input" (field "email" "Email address" .Email (.ErrorFor "email"))}}.
type Field struct {
	ID, Name, Label, Hint, Value, Error string
	Type, Class, LabelClass             string
	Autocomplete, Inputmode             string
	Spellcheck                          bool
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
			case "spellcheck":
				f.Spellcheck = v == "false"
			}
			break
		}
	}
	return f
}
