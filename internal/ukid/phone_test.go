package ukid

import "testing"

func TestPhone(t *testing.T) {
	good := map[string]string{
		"01632 960 001":        "01632960001",
		"+44 7700 900982":      "07700900982",
		"0044 (0)20 7946 0000": "02079460000",
		"020-7946-0000":        "02079460000",
	}
	for in, want := range good {
		if got, err := Phone(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "12345", "00000000000", "0163296000123", "phone me", "+33 1 23 45 67 89"} {
		if _, err := Phone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzPhone(f *testing.F) {
	f.Add("+44 7700 900982")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Phone(s)
		if err != nil {
			return
		}
		if again, err := Phone(n); err != nil || again != n {
			t.Fatalf("%q → %q → %q, %v", s, n, again, err)
		}
	})
}

func TestFormatPhone(t *testing.T) {
	for in, want := range map[string]string{
		"02079460018": "020 7946 0018", "01134960000": "0113 496 0000", "01614960000": "0161 496 0000",
		"01632960001": "01632 960001", "07700900982": "07700 900982", "03001234567": "0300 123 4567",
		"08001234567": "0800 123 4567", "0800123456": "0800 123456", "0169773456": "01697 73456",
		"not a phone": "not a phone", "0123": "0123",
	} {
		if got := FormatPhone(in); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", in, got, want)
		}
		if n, err := Phone(FormatPhone(in)); err == nil && n != in {
			t.Errorf("the grouped %q reads back as %q", FormatPhone(in), n)
		}
	}
}
