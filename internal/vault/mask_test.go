package vault

import "testing"

func TestLast(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"12345678", 4, "5678"},
		{"12-34-56", 4, "3456"},
		{"12 34 56", 2, "56"},
		{"001234567890", 4, "7890"},
		{"1234", 4, ""}, // a value no longer than n is never kept in clear
		{"123", 4, ""},
		{"", 4, ""},
		{"12345678", 0, ""},
		{"12345678", -1, ""},
		{"ab€12", 3, "€12"},
	}
	for _, c := range cases {
		if got := Last(c.in, c.n); got != c.want {
			t.Errorf("Last(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestMask(t *testing.T) {
	if got := Mask("1234"); got != "••••1234" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask(""); got != "••••" {
		t.Errorf("Mask empty = %q", got)
	}
	if got := Mask(Last("12345678", 4)); got != "••••5678" {
		t.Errorf("Mask(Last) = %q", got)
	}
}
