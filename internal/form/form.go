// Package form decodes submitted HTML forms into typed structs (text, lists, checkboxes,
// numbers, GOV.UK date inputs, money in pounds, and repeated fieldsets for "add another"),
// refusing text no field should hold. It knows nothing of HTTP: callers pass a lookup of
// submitted values, so it is fuzzed directly and domain types can embed its field types.
package form

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxFieldBytes bounds one text field; longer values are refused before validation, so an
// oversized input gets a message rather than reaching the database.
const maxFieldBytes = 10000

// DateInput is the GOV.UK date pattern: three boxes, name-day, name-month, name-year.
type DateInput struct {
	Day, Month, Year string
}

// IsEmpty reports whether no box was filled in.
func (d DateInput) IsEmpty() bool { return d.Day == "" && d.Month == "" && d.Year == "" }

// Time parses the date, with a message naming what is wrong, as the GOV.UK pattern advises.
func (d DateInput) Time(label string) (time.Time, string) {
	if d.IsEmpty() {
		return time.Time{}, "Enter " + label
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{d.Day, "day"}, {d.Month, "month"}, {d.Year, "year"}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	upper := strings.ToUpper(label[:1]) + label[1:]
	if len(missing) > 0 {
		return time.Time{}, fmt.Sprintf("%s must include a %s", upper, strings.Join(missing, " and "))
	}
	day, e1 := strconv.Atoi(d.Day)
	month, e2 := strconv.Atoi(d.Month)
	year, e3 := strconv.Atoi(d.Year)
	if e1 != nil || e2 != nil || e3 != nil || len(d.Year) != 4 {
		return time.Time{}, upper + " must be a real date, like 27 3 2024"
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || year < 1900 || year > 2200 {
		return time.Time{}, upper + " must be a real date, like 27 3 2024"
	}
	return t, ""
}

// DateInputOf fills the three boxes from a date, for editing.
func DateInputOf(t *time.Time) DateInput {
	if t == nil || t.IsZero() {
		return DateInput{}
	}
	return DateInput{Day: strconv.Itoa(t.Day()), Month: strconv.Itoa(int(t.Month())), Year: strconv.Itoa(t.Year())}
}

// Pounds is a money amount typed in pounds ("£5,000,000" or "1250.50"), kept as text so
// the form shows what was typed; Pence converts it.
type Pounds string

// Pence parses the amount into pence, the unit the portal stores.
func (p Pounds) Pence(label string) (int64, string) {
	s := strings.NewReplacer("£", "", ",", "", " ", "").Replace(string(p))
	if s == "" {
		return 0, "Enter " + label
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if hasFrac && (len(frac) == 0 || len(frac) > 2) || whole == "" || len(whole) > 13 {
		return 0, "Enter " + label + " in pounds, like 5000000 or 1250.50"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, "Enter " + label + " in pounds, like 5000000 or 1250.50"
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	return w*100 + f, ""
}

// PoundsOf formats pence for a form field.
func PoundsOf(pence int64) Pounds {
	if pence%100 == 0 {
		return Pounds(strconv.FormatInt(pence/100, 10))
	}
	return Pounds(fmt.Sprintf("%d.%02d", pence/100, pence%100))
}

// Decode fills dst (a pointer to a struct) from the values get returns for each field named
// by a `form:"..."` tag. It trims text and refuses values that are too long, not UTF-8, or
// hold control characters, returning one message per such field, keyed by field name; the
// caller validates the rest. A field of a slice-of-struct type is a repeated fieldset whose
// inputs are named name-0-field, name-1-field, ...
func Decode(get func(string) []string, dst any) map[string]string {
	return decodeStruct(get, "", dst)
}

func decodeStruct(get func(string) []string, prefix string, dst any) map[string]string {
	errs := map[string]string{}
	rv := reflect.ValueOf(dst).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("form"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		name = prefix + name
		multiline := sf.Tag.Get("multiline") == "true"
		label := sf.Tag.Get("label")
		if label == "" {
			label = "this field"
		}
		clean := func(key, s string) (string, bool) {
			s, msg := cleanText(s, multiline)
			if msg != "" {
				errs[key] = strings.ToUpper(label[:1]) + label[1:] + " " + msg
				return "", false
			}
			return s, true
		}
		fv := rv.Field(i)
		switch fv.Interface().(type) {
		case DateInput:
			var d DateInput
			for _, part := range []struct {
				suffix string
				dst    *string
			}{{"-day", &d.Day}, {"-month", &d.Month}, {"-year", &d.Year}} {
				if vs := get(name + part.suffix); len(vs) > 0 {
					if s, ok := clean(name, vs[0]); ok && len(s) <= 4 {
						*part.dst = s
					} else if ok {
						errs[name] = strings.ToUpper(label[:1]) + label[1:] + " must be a real date, like 27 3 2024"
					}
				}
			}
			fv.Set(reflect.ValueOf(d))
			continue
		}
		vals := get(name)
		switch fv.Kind() {
		case reflect.String:
			if len(vals) > 0 {
				if s, ok := clean(name, vals[0]); ok {
					fv.SetString(s)
				}
			}
		case reflect.Slice:
			if fv.Type().Elem().Kind() == reflect.Struct {
				decodeRepeated(get, name, fv, errs)
				continue
			}
			if fv.Type().Elem().Kind() != reflect.String {
				continue
			}
			out := reflect.MakeSlice(fv.Type(), 0, len(vals))
			for _, v := range vals {
				if len(out.Interface().([]string)) >= 100 {
					errs[name] = "Too many values for " + label
					break
				}
				if s, ok := clean(name, v); ok && s != "" {
					out = reflect.Append(out, reflect.ValueOf(s))
				}
			}
			fv.Set(out)
		case reflect.Bool:
			fv.SetBool(len(vals) > 0 && (vals[0] == "true" || vals[0] == "yes" || vals[0] == "on"))
		case reflect.Int, reflect.Int64, reflect.Int32:
			if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
				continue
			}
			s, ok := clean(name, vals[0])
			if !ok {
				continue
			}
			n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
			if err != nil || fv.OverflowInt(n) {
				errs[name] = strings.ToUpper(label[:1]) + label[1:] + " must be a whole number, like 12"
				continue
			}
			fv.SetInt(n)
		}
	}
	return errs
}

// Text applies Decode's rules for a text field to one value a handler reads itself (a query
// parameter, a sign-in field), with at most max bytes (at most maxFieldBytes, which max <= 0
// means). It returns the cleaned text, or a message naming the field by label ("email
// address") when the value is refused. Every value that reaches the database must pass
// through Decode or Text: PostgreSQL refuses a NUL or bytes that are not UTF-8 with an error.
func Text(s, label string, multiline bool, max int) (string, string) {
	if max <= 0 || max > maxFieldBytes {
		max = maxFieldBytes
	}
	upper := strings.ToUpper(label[:1]) + label[1:]
	if len(s) > max {
		return "", fmt.Sprintf("%s must be %d characters or fewer", upper, max)
	}
	s, msg := cleanText(s, multiline)
	if msg != "" {
		return "", upper + " " + msg
	}
	return s, ""
}

// cleanText trims s and refuses what no form field should hold.
func cleanText(s string, multiline bool) (string, string) {
	if len(s) > maxFieldBytes {
		return "", fmt.Sprintf("must be %d characters or fewer", maxFieldBytes)
	}
	if !utf8.ValidString(s) {
		return "", "contains characters that cannot be read. Type it again rather than pasting it"
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			if !multiline && r != '\t' {
				return "", "must be on one line"
			}
			continue
		}
		if unicode.IsControl(r) || r == '\uFFFD' {
			return "", "contains characters that are not allowed"
		}
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !multiline {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s, ""
}

// MaxRepeats bounds a repeated fieldset, so a crafted form cannot make a huge record.
const MaxRepeats = 50

// decodeRepeated reads name-0-*, name-1-*, ... into a slice of structs, stopping at the first
// index with no submitted field.
func decodeRepeated(get func(string) []string, name string, fv reflect.Value, errs map[string]string) {
	out := reflect.MakeSlice(fv.Type(), 0, 4)
	et := fv.Type().Elem()
	for i := 0; i < MaxRepeats; i++ {
		prefix := fmt.Sprintf("%s-%d-", name, i)
		if !anySubmitted(get, prefix, et) {
			break
		}
		item := reflect.New(et)
		for k, v := range decodeStruct(get, prefix, item.Interface()) {
			errs[k] = v
		}
		out = reflect.Append(out, item.Elem())
	}
	fv.Set(out)
}

func anySubmitted(get func(string) []string, prefix string, t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("form"), ",")
		if name == "" || name == "-" {
			continue
		}
		if len(get(prefix+name)) > 0 || len(get(prefix+name+"-day")) > 0 {
			return true
		}
	}
	return false
}

// Display shows a date as people read it ("3 December 2024"), or "" when not given or not real.
func (d DateInput) Display() string {
	t, msg := d.Time("date")
	if msg != "" {
		return ""
	}
	return t.Format("2 January 2006")
}
