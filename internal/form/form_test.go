package form

import (
	"strings"
	"testing"
	"unicode/utf8"
)

type testForm struct {
	Name    string    `form:"name" label:"name"`
	Notes   string    `form:"notes" label:"notes" multiline:"true"`
	Tags    []string  `form:"tags" label:"tags"`
	Agree   bool      `form:"agree"`
	Count   int       `form:"count" label:"count"`
	Started DateInput `form:"started" label:"start date"`
	Cover   Pounds    `form:"cover" label:"cover"`
}

func values(m map[string][]string) func(string) []string {
	return func(k string) []string { return m[k] }
}

func TestDecodeValues(t *testing.T) {
	var f testForm
	errs := Decode(values(map[string][]string{
		"name": {"  Ann   Smith "}, "notes": {"line one\r\nline two"}, "tags": {"a", "", "b"},
		"agree": {"true"}, "count": {"1,200"}, "started-day": {"3"}, "started-month": {"12"}, "started-year": {"2024"},
		"cover": {"£5,000,000"},
	}), &f)
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if f.Name != "Ann Smith" || f.Notes != "line one\nline two" || len(f.Tags) != 2 || !f.Agree || f.Count != 1200 {
		t.Errorf("decoded %+v", f)
	}
	if d, msg := f.Started.Time("start date"); msg != "" || d.Format("2006-01-02") != "2024-12-03" {
		t.Errorf("date %v %q", d, msg)
	}
	if p, msg := f.Cover.Pence("cover"); msg != "" || p != 500000000 {
		t.Errorf("pence %d %q", p, msg)
	}
}

func TestDecodeRefusesHostileText(t *testing.T) {
	cases := map[string]string{
		"nul":      "a\x00b",
		"newline":  "a\nb",
		"invalid":  "a\xffb",
		"overlong": strings.Repeat("x", maxFieldBytes+1),
		"bell":     "ding\a",
		"replaced": "a\uFFFDb",
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			var f testForm
			errs := Decode(values(map[string][]string{"name": {v}}), &f)
			if errs["name"] == "" || f.Name != "" {
				t.Errorf("accepted %q as %q", v, f.Name)
			}
		})
	}
	var f testForm
	if errs := Decode(values(map[string][]string{"count": {"99999999999999999999"}}), &f); errs["count"] == "" {
		t.Error("overflowing number accepted")
	}
}

func TestText(t *testing.T) {
	cases := []struct {
		name, in  string
		multiline bool
		max       int
		want, msg string
	}{
		{"trimmed and collapsed", "  pat@acorn.example  ", false, 254, "pat@acorn.example", ""},
		{"lines kept in a textarea", "one\r\ntwo ", true, 0, "one\ntwo", ""},
		{"line break on one line", "one\ntwo", false, 0, "", "Email address must be on one line"},
		{"nul", "pat\x00@acorn.example", false, 254, "", "Email address contains characters that are not allowed"},
		{"escape", "a\x1bb", false, 0, "", "Email address contains characters that are not allowed"},
		{"not UTF-8", "\xff\xfe", false, 254, "", "Email address contains characters that cannot be read. Type it again rather than pasting it"},
		{"over its limit", strings.Repeat("a", 255), false, 254, "", "Email address must be 254 characters or fewer"},
		{"over every limit", strings.Repeat("a", maxFieldBytes+1), false, 0, "", "Email address must be 10000 characters or fewer"},
		{"a limit above every field's is the field limit", strings.Repeat("a", maxFieldBytes+1), true, 1 << 20, "", "Email address must be 10000 characters or fewer"},
	}
	for _, tt := range cases {
		got, msg := Text(tt.in, "email address", tt.multiline, tt.max)
		if got != tt.want || msg != tt.msg {
			t.Errorf("%s: Text = %q, %q; want %q, %q", tt.name, got, msg, tt.want, tt.msg)
		}
	}
}

func TestDateInputMessages(t *testing.T) {
	cases := []struct {
		in   DateInput
		want string
	}{
		{DateInput{}, "Enter start date"},
		{DateInput{Day: "1", Year: "2024"}, "Start date must include a month"},
		{DateInput{Day: "31", Month: "2", Year: "2024"}, "Start date must be a real date, like 27 3 2024"},
		{DateInput{Day: "1", Month: "1", Year: "0000"}, "Start date must be a real date, like 27 3 2024"},
		{DateInput{Day: "1", Month: "1", Year: "24"}, "Start date must be a real date, like 27 3 2024"},
	}
	for _, c := range cases {
		if _, got := c.in.Time("start date"); got != c.want {
			t.Errorf("%+v: got %q want %q", c.in, got, c.want)
		}
	}
}

func TestPounds(t *testing.T) {
	for in, want := range map[Pounds]int64{"5": 500, "5.5": 550, "1,250.05": 125005, "£0": 0} {
		if got, msg := in.Pence("x"); msg != "" || got != want {
			t.Errorf("%q: %d %q", in, got, msg)
		}
	}
	for _, bad := range []Pounds{"-5", "5.555", "five", "1e9", "99999999999999999", "."} {
		if _, msg := bad.Pence("x"); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	if PoundsOf(125005) != "1250.05" || PoundsOf(500) != "5" {
		t.Error("PoundsOf")
	}
}

// FuzzDecodeForm: whatever arrives, decoding never panics, never keeps invalid UTF-8 or
// control characters, and decoding what it produced gives the same value.
func FuzzDecodeForm(f *testing.F) {
	f.Add("Ann", "notes", "3", "1", "2", "2024", "5000")
	f.Add("\x00", "\xff", "-1", "", "13", "99999", "£1,0.0")
	f.Fuzz(func(t *testing.T, name, notes, count, day, month, year, cover string) {
		in := map[string][]string{"name": {name}, "notes": {notes}, "count": {count}, "tags": {name, notes},
			"started-day": {day}, "started-month": {month}, "started-year": {year}, "cover": {cover}}
		var f1 testForm
		Decode(values(in), &f1)
		for _, s := range append([]string{f1.Name, f1.Notes, string(f1.Cover)}, f1.Tags...) {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("kept bad text %q", s)
			}
		}
		_, _ = f1.Started.Time("date")
		_, _ = f1.Cover.Pence("cover")
		var f2 testForm
		Decode(values(map[string][]string{"name": {f1.Name}, "notes": {f1.Notes}}), &f2)
		if f2.Name != f1.Name || f2.Notes != f1.Notes {
			t.Fatalf("not idempotent: %q→%q, %q→%q", f1.Name, f2.Name, f1.Notes, f2.Notes)
		}
	})
}

type repeated struct {
	Contacts []struct {
		Name  string    `form:"name" label:"name"`
		Since DateInput `form:"since" label:"date"`
	} `form:"contacts"`
}

func TestDecodeRepeatedFieldsets(t *testing.T) {
	var r repeated
	errs := Decode(values(map[string][]string{
		"contacts-0-name": {"Ann"}, "contacts-1-name": {"Bob\x00"}, "contacts-1-since-day": {"1"},
		"contacts-3-name": {"never read: index 2 is missing"},
	}), &r)
	if len(r.Contacts) != 2 || r.Contacts[0].Name != "Ann" || r.Contacts[1].Since.Day != "1" {
		t.Fatalf("decoded %+v", r)
	}
	if errs["contacts-1-name"] == "" {
		t.Errorf("hostile value in a repeat not reported: %v", errs)
	}
}
