package privacy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/privacy"
)

// TestNoticeDraftValidate: a title, a readable body within the limit, and an effective
// date no earlier than today.
func TestNoticeDraftValidate(t *testing.T) {
	today := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	valid := privacy.Draft{Title: "Privacy notice", Body: "## What we collect\r\n\r\nNames.", EffectiveFrom: today}
	tests := []struct {
		name  string
		edit  func(*privacy.Draft)
		field string
	}{
		{"no title", func(d *privacy.Draft) { d.Title = "  " }, "title"},
		{"long title", func(d *privacy.Draft) { d.Title = strings.Repeat("t", privacy.MaxTitleLength+1) }, "title"},
		{"no body", func(d *privacy.Draft) { d.Body = "\n\n" }, "body"},
		{"long body", func(d *privacy.Draft) { d.Body = strings.Repeat("b", privacy.MaxBodyBytes+1) }, "body"},
		{"broken text", func(d *privacy.Draft) { d.Body = "Names \xff\xfe" }, "body"},
		{"control character", func(d *privacy.Draft) { d.Body = "Names\x00" }, "body"},
		{"no date", func(d *privacy.Draft) { d.EffectiveFrom = time.Time{} }, "effective_from"},
		{"yesterday", func(d *privacy.Draft) { d.EffectiveFrom = today.AddDate(0, 0, -1) }, "effective_from"},
	}
	for _, tt := range tests {
		d := valid
		tt.edit(&d)
		if errs := d.Validate(today); len(errs) != 1 || errs[tt.field] == "" {
			t.Errorf("%s: errors %v, want one for %s", tt.name, errs, tt.field)
		}
	}
	for _, eff := range []time.Time{today, today.Add(23 * time.Hour), today.AddDate(0, 1, 0)} {
		d := valid
		d.EffectiveFrom = eff
		if errs := d.Validate(today); len(errs) != 0 {
			t.Errorf("effective %s: %v", eff, errs)
		}
	}
}
