package contract

import (
	"strconv"
	"strings"
)

// Money shows pence as pounds the way people write them: £1,250,000 or £1,250.50, with a
// minus sign before the pound sign for a reduction.
func Money(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	s := sign + "£" + groupThousands(pence/100)
	if p := pence % 100; p != 0 {
		s += "." + strconv.FormatInt(100+p, 10)[1:]
	}
	return s
}

// SignedMoney is Money with a plus sign on increases, for value changes.
func SignedMoney(pence int64) string {
	if pence > 0 {
		return "+" + Money(pence)
	}
	return Money(pence)
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TotalValueText, AnnualValueText, VariationsText and CurrentValueText show the
// contract's values for its page.
func (c *Contract) TotalValueText() string   { return Money(c.TotalValuePence) }
func (c *Contract) AnnualValueText() string  { return Money(c.AnnualValuePence) }
func (c *Contract) VariationsText() string   { return SignedMoney(c.VariationsPence) }
func (c *Contract) CurrentValueText() string { return Money(c.CurrentValuePence()) }

// ValueChangeText shows a variation's change in value.
func (v Variation) ValueChangeText() string {
	if v.ValueChangePence == 0 {
		return "No change"
	}
	return SignedMoney(v.ValueChangePence)
}
