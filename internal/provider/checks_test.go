package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An operator points PORTAL_MODULUS_DIR at newer Pay.UK tables without a release: the
// files there replace the embedded ones, and a malformed file stops the start with a
// message naming it.
func TestLoadModulusTableFromDir(t *testing.T) {
	def, err := LoadModulusTable("")
	if err != nil || def.Version() != "8.50" {
		t.Fatalf("embedded table: %v %v", def, err)
	}
	dir := t.TempDir()
	valacdos, err := os.ReadFile(filepath.Join("..", "ukid", "data", "valacdos-v8.50.txt"))
	if err != nil {
		t.Fatal(err)
	}
	scsubtab, err := os.ReadFile(filepath.Join("..", "ukid", "data", "scsubtab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// A "newer" table in which one range no longer exists: a sort code in no range passes.
	lines := strings.Split(string(valacdos), "\n")
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("valacdos.txt", []byte(strings.Join(lines[1:], "\n")))
	write("scsubtab.txt", scsubtab)
	table, err := LoadModulusTable(dir)
	if err != nil {
		t.Fatal(err)
	}
	if table.Version() == def.Version() {
		t.Errorf("the directory's table was not used (version %s)", table.Version())
	}
	write("valacdos.txt", []byte("not a table\n"))
	if _, err := LoadModulusTable(dir); err == nil || !strings.Contains(err.Error(), "PORTAL_MODULUS_DIR") {
		t.Errorf("malformed table: %v", err)
	}
}
