package export

import (
	"fmt"
	"strconv"
	"time"
)

// Kind is what a column holds. Spreadsheets need to know: a date written as text cannot be
// sorted or filtered as a date, and an amount written as "£1,200.00" cannot be summed. Every
// column declares its kind, and every cell of the column must be of it (or empty), so a
// caller cannot put an amount into a date column by mistake.
type Kind uint8

const (
	// KindText is any text, including text that looks like a number (account numbers, sort
	// codes, URNs, phone numbers): it stays text, leading zeros and all.
	KindText Kind = iota
	// KindDate is a calendar date (a PostgreSQL date): a date cell in a spreadsheet.
	KindDate
	// KindInstant is a moment (a timestamptz): a date and time in UK time in a spreadsheet.
	KindInstant
	// KindMoney is an amount in pence: a number of pounds with a currency format.
	KindMoney
	// KindCount is a whole number.
	KindCount
)

// One date format everywhere. Pages show dates as "2 January 2006" (the GOV.UK style), so
// spreadsheets show the same, with the value a real date underneath; CSV files, which other
// systems read, use ISO 8601.
const (
	// XLSXDateFormat is the number format of every date cell: "7 December 2026".
	XLSXDateFormat = "d mmmm yyyy"
	// XLSXInstantFormat is the number format of every date-and-time cell, in UK time:
	// "7 December 2026 15:40".
	XLSXInstantFormat = "d mmmm yyyy hh:mm"
	// XLSXMoneyFormat is the number format of every amount: pounds with pence, thousands
	// separated, negative amounts with a minus sign ("£1,234.50", "-£12.00").
	XLSXMoneyFormat = `"£"#,##0.00;\-"£"#,##0.00`
	// XLSXCountFormat is the number format of every count.
	XLSXCountFormat = "#,##0"
	// CSVDateLayout is how CSV files write a date: ISO 8601, "2026-12-07".
	CSVDateLayout = time.DateOnly
	// CSVInstantLayout is how CSV files write a moment: ISO 8601 in UTC, "2026-12-07T15:40:57Z".
	CSVInstantLayout = "2006-01-02T15:04:05Z"
)

// ukTime is the time zone spreadsheets show moments in, as the pages do (spreadsheet cells
// carry no zone). UTC if the zone database is missing.
var ukTime = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// Cell is one value of a row, of one kind. Make cells with Text, Date, Instant, Money and
// Count; the zero Cell is an empty cell, allowed in a column of any kind.
type Cell struct {
	kind Kind
	set  bool
	text string
	n    int64
	t    time.Time
}

// Empty is a cell with no value (a date not yet known, an optional field left blank).
var Empty = Cell{}

// Text is a text cell. It is neutralised against formula injection when written.
func Text(s string) Cell { return Cell{kind: KindText, set: s != "", text: s} }

// Texts is a row of text cells, for files that hold only text.
func Texts(ss ...string) []Cell {
	out := make([]Cell, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// Date is a calendar date cell: only t's year, month and day count.
func Date(t time.Time) Cell {
	return Cell{kind: KindDate, set: true, t: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}

// OptionalDate is a date cell, or an empty one for nil.
func OptionalDate(t *time.Time) Cell {
	if t == nil {
		return Empty
	}
	return Date(*t)
}

// Instant is a moment cell.
func Instant(t time.Time) Cell { return Cell{kind: KindInstant, set: !t.IsZero(), t: t} }

// Money is an amount cell, in pence.
func Money(pence int64) Cell { return Cell{kind: KindMoney, set: true, n: pence} }

// Count is a whole-number cell.
func Count(n int) Cell { return Cell{kind: KindCount, set: true, n: int64(n)} }

// IsEmpty reports whether the cell has no value.
func (c Cell) IsEmpty() bool { return !c.set }

// fits reports whether the cell may go in a column of kind k: an empty cell goes anywhere.
func (c Cell) fits(k Kind) bool { return !c.set || c.kind == k }

// checkRow checks a row against the columns' kinds.
func checkRow(cols []Column, cells []Cell) error {
	if len(cells) != len(cols) {
		return fmt.Errorf("export: a row has %d cells and the header %d columns", len(cells), len(cols))
	}
	for i, c := range cells {
		if !c.fits(cols[i].Kind) {
			return fmt.Errorf("export: column %q holds %s, not %s", cols[i].Header, cols[i].Kind, c.kind)
		}
	}
	return nil
}

// String names the kind, for error messages.
func (k Kind) String() string {
	switch k {
	case KindText:
		return "text"
	case KindDate:
		return "dates"
	case KindInstant:
		return "dates and times"
	case KindMoney:
		return "amounts of money"
	case KindCount:
		return "counts"
	}
	return "kind " + strconv.Itoa(int(k))
}

// csvText is the cell as CSV writes it: text neutralised (when neutralise), dates in dateLayout (ISO unless a
// finance system's layout asks otherwise), moments in ISO 8601 UTC, amounts in pounds with
// two decimal places and no symbol or separators ("-1234.50"), counts as digits.
func (c Cell) csvText(dateLayout string, neutralise bool) string {
	if !c.set {
		return ""
	}
	switch c.kind {
	case KindDate:
		return c.t.Format(dateLayout)
	case KindInstant:
		return c.t.UTC().Format(CSVInstantLayout)
	case KindMoney:
		return Pounds(c.n)
	case KindCount:
		return strconv.FormatInt(c.n, 10)
	}
	if !neutralise {
		return c.text
	}
	return NeutraliseCell(c.text)
}

// Pounds writes pence as pounds with exactly two decimal places, computed in integers so no
// amount is rounded: 123456 → "1234.56", -5 → "-0.05".
func Pounds(pence int64) string {
	sign := ""
	u := uint64(pence)
	if pence < 0 {
		sign, u = "-", uint64(-pence)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// excelEpoch is day 0 of spreadsheet serial dates (the 1900 date system, counting the
// phantom 29 February 1900 that Lotus 1-2-3 invented, so every date from March 1900 is right).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// firstSerialDate is the first date whose serial number means the same in every spreadsheet.
var firstSerialDate = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)

// xlsxValue is the cell's value as excelize writes it: a string for text, an integer serial
// day for a date, a fractional serial for a moment in UK time, pounds for an amount. Dates
// before March 1900 (none are real in this service) are written as ISO text rather than a
// serial that spreadsheets disagree about.
func (c Cell) xlsxValue() any {
	if !c.set {
		return nil
	}
	switch c.kind {
	case KindDate:
		if c.t.Before(firstSerialDate) {
			return c.t.Format(CSVDateLayout)
		}
		return int64(c.t.Sub(excelEpoch).Hours() / 24)
	case KindInstant:
		local := c.t.In(ukTime)
		wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0, time.UTC)
		if wall.Before(firstSerialDate) {
			return c.t.UTC().Format(CSVInstantLayout)
		}
		return float64(wall.Sub(excelEpoch)/time.Second) / 86400
	case KindMoney:
		return moneyValue(c.n)
	case KindCount:
		return c.n
	}
	return NeutraliseCell(c.text)
}

// maxExactPence is the largest amount whose pounds a float64 holds exactly enough that the
// shortest decimal excelize writes for it is the amount itself (15 significant digits):
// £9,999,999,999,999.99, far beyond any contract.
const maxExactPence = 999_999_999_999_999

// moneyValue is pence as pounds. Division of an integer below 10^15 by 100 gives the double
// nearest the exact decimal, and the shortest representation of that double (what the sheet
// stores) is the exact decimal, so no penny is lost. A larger amount is written as its exact
// decimal text rather than rounded.
func moneyValue(pence int64) any {
	if pence > maxExactPence || pence < -maxExactPence {
		return Pounds(pence)
	}
	return float64(pence) / 100
}
