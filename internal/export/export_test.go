package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestExportNeutraliseCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Acorn Fostering Ltd", "Acorn Fostering Ltd"},
		{"=HYPERLINK(\"http://evil.example\",\"Click\")", "'=HYPERLINK(\"http://evil.example\",\"Click\")"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"\ncmd", "'\ncmd"},
		{"001234", "001234"},
		{"a=b", "a=b"},
		{"'already", "'already"},
	}
	for _, tt := range tests {
		if got := NeutraliseCell(tt.in); got != tt.want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExportTallyCountsAndHashes(t *testing.T) {
	var out bytes.Buffer
	tally := NewTally(&out)
	for _, p := range []string{"hello, ", "world"} {
		if _, err := tally.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256([]byte("hello, world"))
	if tally.SHA256() != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want the digest of what was written", tally.SHA256())
	}
	if tally.Bytes() != 12 || out.String() != "hello, world" {
		t.Errorf("Bytes = %d, passed through %q", tally.Bytes(), out.String())
	}
}

func TestExportASCII(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acorn Fostering Ltd", "Acorn Fostering Ltd"},
		{"Café Crème", "Cafe Creme"},
		{"Straße 5", "Strasse 5"},
		{"Ørsted  Care\u00a0Homes", "Orsted Care Homes"},
		{"O’Neill – “Care”", `O'Neill - "Care"`},
		{"Ysgol Gymraeg Llŷn", "Ysgol Gymraeg Llyn"},
		{"Żółć", "Zolc"},
		{"fees £5", "fees GBP5"},
		{"line\r\nbreak\ttab", "line break tab"},
		{"漢字 Homes", "Homes"},
		{"emoji 😀 care", "emoji care"},
		{"½ day", "1/2 day"},
	}
	for _, tt := range tests {
		got := ASCII(tt.in)
		if got != tt.want {
			t.Errorf("ASCII(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, r := range got {
			if r < 0x20 || r > 0x7e {
				t.Errorf("ASCII(%q) kept %q", tt.in, r)
			}
		}
	}
}

func FuzzExportASCII(f *testing.F) {
	for _, s := range []string{"Café", "Straße", "\x00\xff", "漢字"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range ASCII(s) {
			if r < 0x20 || r > 0x7e {
				t.Fatalf("ASCII(%q) kept %q", s, r)
			}
		}
	})
}
