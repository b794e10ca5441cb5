package web

import (
	"reflect"
	"strings"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// contractUpload reads a document chosen for a contract or a return: nil when none was.
// Its type is checked by the contract service, with the rest of the form, so every
// problem shows at once.
func contractUpload(c *fiber.Ctx, field string) (*contract.Upload, string) {
	u, msg := readUpload(c, field, document.MaxSize)
	if u == nil {
		return nil, msg
	}
	return &contract.Upload{Filename: u.Name, Content: u.Content}, ""
}

// conflictRow is one field two people saved differently.
type conflictRow struct {
	Field, Label, Theirs, Yours string
}

// formDifferences lists the fields of two copies of a form struct (the `form` and `label`
// tags name them) whose values differ: what is saved now and what the user typed.
func formDifferences(saved, typed any) []conflictRow {
	sv, tv := reflect.ValueOf(saved), reflect.ValueOf(typed)
	var out []conflictRow
	for i := 0; i < sv.NumField(); i++ {
		sf := sv.Type().Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("form"), ",")
		if name == "" || name == "-" {
			continue
		}
		a, b := fieldText(sv.Field(i)), fieldText(tv.Field(i))
		if strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) {
			continue
		}
		label := strings.TrimPrefix(sf.Tag.Get("label"), "the ")
		if label != "" {
			label = strings.ToUpper(label[:1]) + label[1:]
		}
		out = append(out, conflictRow{Field: name, Label: label, Theirs: a, Yours: b})
	}
	return out
}

func fieldText(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case form.DateInput:
		if d := x.Display(); d != "" || x.IsEmpty() {
			return d
		}
		return strings.Join([]string{x.Day, x.Month, x.Year}, " ")
	case form.Pounds:
		if p, msg := x.Pence("the amount"); msg == "" {
			return contract.Money(p)
		}
		return string(x)
	case string:
		return x
	}
	return ""
}
