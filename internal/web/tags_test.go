package web

import (
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
)

// The rows, tags and options written in Go escape every value as html/template would: a
// provider's name, trading name, postcode and reasons are text, never markup.
func TestRowsAndTagsEscapeEveryValue(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'Co'`
	p := directory.Provider{ID: `1" onmouseover="x`, Name: hostile, TradingName: &hostile, SupplierRef: hostile, Status: provider.Status(hostile),
		Postcode: &hostile, Categories: []string{hostile}, RAG: quality.RAG(hostile), UpdatedAt: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Concerns: quality.Reasons{{Rule: hostile, RAG: quality.Amber, Why: hostile}}}
	out := string(directoryRow(p)) + string(selectOptions([]provider.Option{{Value: hostile, Label: hostile}}, hostile))
	for _, raw := range []string{"<script>", `"x"`, `" onmouseover="`, "& '"} {
		if strings.Contains(out, raw) {
			t.Errorf("%q written unescaped:\n%s", raw, out)
		}
	}
	for _, want := range []string{"&lt;script&gt;", `href="/providers/1%22%20onmouseover=%22x"`, "7 December 2026", ` selected>`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
}

// A listed rating shows its concerns, worst first as stored, or says there are none; an
// unrated provider says so.
func TestRatingCell(t *testing.T) {
	cell := string(ragCell(quality.Amber, quality.Reasons{{Rule: "insurance", RAG: quality.Amber, Why: "Expires soon."}, {Rule: "dbs", RAG: quality.Green, Why: "Fine."}}))
	if !strings.Contains(cell, `data-rag="amber"`) || !strings.Contains(cell, `data-rag-reason="insurance"`) || strings.Contains(cell, "Fine.") {
		t.Errorf("amber with one concern: %s", cell)
	}
	if cell := string(ragCell(quality.Green, nil)); !strings.Contains(cell, "No concerns.") {
		t.Errorf("green: %s", cell)
	}
	row := string(directoryRow(directory.Provider{ID: "x", Name: "A", Status: provider.StatusDraft}))
	if !strings.Contains(row, "Not rated yet") || !strings.Contains(row, "govuk-tag--grey") {
		t.Errorf("unrated draft: %s", row)
	}
}
