package ukid

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyValacdos = "010004 016715 MOD11    0    0    0    0    0    0    8    7    6    5    4    3    2    1\r\n" +
	"\r\n" +
	"938000 938696 MOD11    7    6    5    4    3    2    7    6    5    4    3    2    0    0   5\r\n" +
	"938000 938696 DBLAL    2    1    2    1    2    1    2    1    2    1    2    1    2    0   5\r\n"

const tinyScsubtab = "938600 938611\n"

func TestDefaultModulusTable(t *testing.T) {
	table := DefaultModulusTable()
	if table != DefaultModulusTable() {
		t.Error("the default table should be built once and shared")
	}
	if got := table.Version(); got != "8.50" {
		t.Errorf("want version 8.50, got %q", got)
	}
	if n := len(table.rules); n != 1151 {
		t.Errorf("want the 1151 rows of valacdos v8.50, got %d", n)
	}
	if n := len(table.substitutions); n != 21 {
		t.Errorf("want the 21 rows of scsubtab, got %d", n)
	}
}

func TestLoadModulusTable(t *testing.T) {
	table, err := LoadModulusTable(strings.NewReader(tinyValacdos), strings.NewReader(tinyScsubtab))
	if err != nil {
		t.Fatal(err)
	}
	if len(table.rules) != 3 || table.substitutions["938600"] != "938611" {
		t.Fatalf("want 3 rules and one substitution, got %+v", table)
	}
	if r := table.rules[2]; r.start != 938000 || r.end != 938696 || r.method != doubleAlternate ||
		r.weights != [14]int{2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 0} || r.exception != 5 {
		t.Errorf("third row parsed as %+v", r)
	}
	if !strings.HasPrefix(table.Version(), "sha256:") {
		t.Errorf("a table from readers has no version number; want a hash, got %q", table.Version())
	}
	// The loaded table is the one used: exception 5 with substitution, from the spec.
	if err := table.Check("938600", "42368003"); err != nil {
		t.Errorf("938600 42368003: %v", err)
	}
	if err := table.Check("938063", "15764273"); err == nil {
		t.Error("938063 15764273 should fail")
	}
	// 089999 is in no range of this table, so it cannot be checked and passes.
	if err := table.Check("089999", "66374959"); err != nil {
		t.Errorf("a sort code outside the table: %v", err)
	}
}

func TestLoadModulusTableRejectsMalformedFiles(t *testing.T) {
	good := "010004 016715 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 1\n"
	for _, c := range []struct {
		name, valacdos, scsubtab, want string
	}{
		{"too few fields", good + "040003 040003 DBLAL 2 1 2\n", "", "valacdos line 2: want 17 or 18 fields"},
		{"too many fields", good + good[:len(good)-1] + " 1 1\n", "", "valacdos line 2: want 17 or 18 fields"},
		{"short sort code", "10004 016715 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 1\n", "", "valacdos line 1: want a range of two 6-digit sort codes"},
		{"backwards range", "\n\n016715 010004 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 1\n", "", "valacdos line 3: the range starts at 016715"},
		{"unknown method", "010004 016715 MOD12 0 0 0 0 0 0 8 7 6 5 4 3 2 1\n", "", `valacdos line 1: want method MOD10, MOD11 or DBLAL, found "MOD12"`},
		{"weight not a number", "010004 016715 MOD11 0 0 0 0 0 0 8 7 x 5 4 3 2 1\n", "", `valacdos line 1: weight 9: want a whole number`},
		{"exception 15", "010004 016715 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 1 15\n", "", `valacdos line 1: want an exception from 1 to 14, found "15"`},
		{"empty", "\r\n\r\n", "", "valacdos: the file has no rows"},
		{"substitution", good, "938173 938017\n938289\n", `scsubtab line 2: want two 6-digit sort codes, found "938289"`},
		{"substitution not digits", good, "938173 93801X\n", `scsubtab line 1: want two 6-digit sort codes`},
	} {
		_, err := LoadModulusTable(strings.NewReader(c.valacdos), strings.NewReader(c.scsubtab))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want an error containing %q, got %v", c.name, c.want, err)
		}
	}
}

func TestLoadModulusTableFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sub := write("scsubtab.txt", tinyScsubtab)

	table, err := LoadModulusTableFiles(write("valacdos-v8.70.txt", tinyValacdos), sub)
	if err != nil {
		t.Fatal(err)
	}
	if table.Version() != "8.70" {
		t.Errorf("want the version from the file name, 8.70, got %q", table.Version())
	}
	table, err = LoadModulusTableFiles(write("valacdosv900.txt", tinyValacdos), sub)
	if err != nil || table.Version() != "9.00" {
		t.Errorf("want version 9.00, got %v, %v", table, err)
	}
	table, err = LoadModulusTableFiles(write("weights.txt", tinyValacdos), sub)
	if err != nil || !strings.HasPrefix(table.Version(), "sha256:") {
		t.Errorf("want a hash for a file name without a version, got %v, %v", table, err)
	}

	bad := write("valacdos-v8.80.txt", "010004 016715 MOD11 0 0\n")
	_, err = LoadModulusTableFiles(bad, sub)
	if err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("want an error naming the file and line, got %v", err)
	}
	_, err = LoadModulusTableFiles(filepath.Join(dir, "missing.txt"), sub)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("want a not-exist error, got %v", err)
	}
}

func FuzzLoadModulusTable(f *testing.F) {
	f.Add([]byte(tinyValacdos), []byte(tinyScsubtab))
	f.Add([]byte("010004 016715 MOD11 0 0 0 0 0 0 8 7 6 5 4 3 2 -1 14\n"), []byte(""))
	f.Add([]byte("000000 999999 DBLAL 99 -99 9 9 9 9 9 9 9 9 9 9 9 9 1\n"), []byte("000000 999999\n"))
	f.Fuzz(func(t *testing.T, valacdos, scsubtab []byte) {
		table, err := LoadModulusTable(strings.NewReader(string(valacdos)), strings.NewReader(string(scsubtab)))
		if err != nil {
			return
		}
		// Whatever a loaded table says, checking with it must not panic.
		for _, p := range [][2]string{{"010004", "12345678"}, {"938600", "42368003"}, {"000000", "966374958"}, {"999999", "0123456789"}} {
			_ = table.Check(p[0], p[1])
		}
	})
}
