package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/ukid"
)

// cleanCell reads one cell as the forms read a one-line text field (form.Text): trimmed,
// inner runs of spaces made one, at most as long as a form field, and refusing what no field
// should hold. It also refuses what a
// spreadsheet would run: a cell starting with =, +, - or @ (the export package neutralises
// such cells on the way out; coming in, they are refused, so nothing stored needs it), and,
// in an XLSX, a formula. It returns the value or a message.
func cleanCell(col int, raw string, formula bool) (string, string) {
	g := Guidance[col]
	if formula {
		return "", g.Label + " must be typed in, not worked out by a formula"
	}
	v, msg := form.Text(raw, g.Label, false, 0)
	if msg != "" {
		return "", msg
	}
	if v == "" || g.kind == kindPence || g.kind == kindDate {
		// Numbers and dates are read by their own rules, which accept nothing a
		// spreadsheet would run.
		return v, ""
	}
	if g.kind == kindPhone && v[0] == '+' {
		if _, err := ukid.Phone(v); err == nil {
			return v, "" // an international prefix, normalised to a national number
		}
	}
	// v has lost any leading tab or space, so "\t=cmd" is caught as "=cmd".
	if strings.ContainsRune("=+-@", rune(v[0])) {
		return "", g.Label + " must not start with =, +, - or @"
	}
	return v, ""
}

// refPattern is a supplier reference: what finance systems use, and safe in a URL and a file.
var refPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9/._-]{0,49}$`)

// normaliseRef puts a supplier reference in its stored form: trimmed, in capitals, so "ab12"
// and "AB12 " are one supplier.
func normaliseRef(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func checkRef(ref string) string {
	switch {
	case ref == "":
		return "Enter the supplier reference"
	case !refPattern.MatchString(ref):
		return "Supplier reference must be up to 50 letters, numbers, hyphens, slashes, full stops or underscores, starting with a letter or number"
	}
	return ""
}

// isoDate and ukDate are the date forms a cell may hold (an XLSX date cell arrives as ISO).
var (
	isoDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	ukDate  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
)

// parseDate reads YYYY-MM-DD or DD/MM/YYYY into the form's date boxes, so the section's own
// date checks (a real date; not expired) run on it. label is lower case, as the forms use it.
func parseDate(v, label string) (form.DateInput, string) {
	var d form.DateInput
	if m := isoDate.FindStringSubmatch(v); m != nil {
		d = form.DateInput{Year: m[1], Month: m[2], Day: m[3]}
	} else if m := ukDate.FindStringSubmatch(v); m != nil {
		d = form.DateInput{Day: m[1], Month: m[2], Year: m[3]}
	} else {
		return d, "Enter " + label + " as YYYY-MM-DD or DD/MM/YYYY, like 2026-03-31"
	}
	if _, msg := d.Time(label); msg != "" {
		return d, upperFirst(label) + " must be a real date, like 2026-03-31"
	}
	t, _ := d.Time(label)
	return form.DateInputOf(&t), ""
}

// parsePence reads a whole number of pence: digits, with thousands separators allowed, and a
// zero fraction a spreadsheet may add ("500000000.00").
func parsePence(v, label string) (int64, string) {
	s := strings.ReplaceAll(v, ",", "")
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		s = whole
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || strings.Trim(s, "0123456789") != "" || len(s) > 15 {
		return 0, "Enter " + label + " in pence, as a whole number like 500000000"
	}
	return n, ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// today is the UK date now, as the provider checks use it.
func today(now time.Time) time.Time {
	if london, err := time.LoadLocation("Europe/London"); err == nil {
		now = now.In(london)
	}
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}
