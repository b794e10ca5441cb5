package subject

import "time"

// MaxExtensionMonths is how far the deadline of a request can be extended, in all: UK GDPR
// article 12(3) allows "a further two months where necessary, taking into account the
// complexity and number of the requests".
const MaxExtensionMonths = 2

// AddCalendarMonths returns the date n calendar months after d: the same day of the month,
// or the last day of the month when that month has no such day. So 15 March gives 15 April,
// and 31 January gives 28 February (29 in a leap year), never 3 March as Go's AddDate would.
func AddCalendarMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC) // normalises the year
	if last := first.AddDate(0, 1, -1).Day(); day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// DueDate is when the response to a request received on received is due, after
// extensionMonths of extension.
//
// Article 12(3) gives "one month of receipt of the request". The ICO's guidance on the
// right of access says how to count it: from the day the request is received (or the day
// proof of identity arrives, if it was needed), to the corresponding calendar date in the
// next month; where the next month has no corresponding date, the last day of that month
// (a request received on 31 January is due on 28 February, or 29 in a leap year). An
// extension counts the same way from the day of receipt, not from the first due date, so
// 31 January extended by two months is due on 30 April, not 28 April. The guidance also
// allows until the next working day when the date falls on a weekend or bank holiday; the
// portal does not know bank holidays, so it shows the calendar date, which is never late.
func DueDate(received time.Time, extensionMonths int) time.Time {
	return AddCalendarMonths(received, 1+extensionMonths)
}

// DaysBetween counts whole days from a to b (negative when b is earlier), by calendar date,
// whatever the times of day or the clocks going forward.
func DaysBetween(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}
