package export

import (
	"bytes"
	"testing"
	"time"
)

// TestExportCSVQuoteTextVerbatim: a file for a system that reads text by its quotes has
// every heading and text field quoted, empty ones too, dates bare; and with Verbatim a value
// that starts like a formula is written as given, with no apostrophe added.
func TestExportCSVQuoteTextVerbatim(t *testing.T) {
	write := func(opts CSVOptions) string {
		t.Helper()
		var buf bytes.Buffer
		w, err := NewCSV(&buf, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Header([]Column{{Header: "Name"}, {Header: "Note"}, {Header: "Created", Kind: KindDate}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Row([]Cell{Text(`-Dash "Quoted" Ltd`), Empty, Date(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC))}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	got := write(CSVOptions{Delimiter: '|', QuoteText: true, Verbatim: true, DateLayout: "02012006"})
	if want := "\"Name\"|\"Note\"|\"Created\"\r\n\"-Dash \"\"Quoted\"\" Ltd\"|\"\"|07122026\r\n"; got != want {
		t.Errorf("file = %q\nwant %q", got, want)
	}
	got = write(CSVOptions{Delimiter: '|', QuoteText: true, NoHeader: true, DateLayout: "02012006"})
	if want := "\"'-Dash \"\"Quoted\"\" Ltd\"|\"\"|07122026\r\n"; got != want {
		t.Errorf("without a heading, neutralised: %q\nwant %q", got, want)
	}
	// Without the options the same row is neutralised and quoted only where it must be.
	if got, want := write(CSVOptions{Delimiter: '|'}), "Name|Note|Created\r\n\"'-Dash \"\"Quoted\"\" Ltd\"||2026-12-07\r\n"; got != want {
		t.Errorf("plain file = %q\nwant %q", got, want)
	}
}
