package cli_test

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/importer/importtest"
)

// writeFile puts content in a file of the test's own directory.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// jsonRow is one line of "portal import providers --json".
type jsonRow struct {
	Row         int                `json:"row"`
	SupplierRef string             `json:"supplier_ref"`
	Errors      *map[string]string `json:"errors"`
}

// TestImportProvidersLargeFile imports 10,000 generated rows with errors planted in known
// rows through the command line, with --json, and expects exactly those rows and columns to
// be reported, every other row imported, and a second run to update rather than duplicate.
func TestImportProvidersLargeFile(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	rows := importtest.ValidRows(10000, time.Now())
	plant := func(row int, column, value string) { rows[row-2][column] = value }
	plant(500, "vat_number", "GB123456789")
	plant(2000, "sort_code", "12-34")
	plant(7777, "legal_name", "=cmd|' /C calc'!A0")
	plant(9999, "legal_name", "")
	want := map[int]map[string]string{
		500:  {"vat_number": "Enter a real VAT number – check it against your VAT registration certificate"},
		2000: {"sort_code": "Enter a valid sort code, like 309430"},
		7777: {"legal_name": "Legal name must not start with =, +, - or @"},
		9999: {"legal_name": "Enter the organisation's legal name"},
	}
	file := writeFile(t, "suppliers.csv", importtest.CSV(rows))

	for pass := 1; pass <= 2; pass++ {
		res := run(t, env, nil, "import", "providers", file, "--json", "--mode", "valid-only")
		if res.code != 1 {
			t.Fatalf("run %d: exit %d, stderr %s", pass, res.code, res.stderr)
		}
		got := map[int]map[string]string{}
		n := 0
		sc := bufio.NewScanner(strings.NewReader(res.stdout))
		for sc.Scan() {
			var r jsonRow
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("run %d: line %q: %v", pass, sc.Text(), err)
			}
			n++
			if r.Row != n+1 || r.SupplierRef != rows[n-1]["supplier_ref"] || r.Errors == nil {
				t.Fatalf("run %d: line %d is %q", pass, n, sc.Text())
			}
			if len(*r.Errors) > 0 {
				got[r.Row] = *r.Errors
			}
		}
		if n != len(rows) {
			t.Errorf("run %d: %d lines for %d rows", pass, n, len(rows))
		}
		if !maps.EqualFunc(got, want, func(a, b map[string]string) bool { return maps.Equal(a, b) }) {
			t.Errorf("run %d: failed rows\n got %v\nwant %v", pass, got, want)
		}
		verb := map[int]string{1: "9996 created, 0 updated", 2: "0 created, 9996 updated"}[pass]
		if !strings.Contains(res.stderr, "Imported 9996 rows: "+verb+". 4 rows failed and were skipped.") {
			t.Errorf("run %d: stderr %q", pass, res.stderr)
		}
		var count int
		if err := d.Get(&count, `SELECT count(*) FROM organisations WHERE imported_at IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		if count != 9996 {
			t.Errorf("run %d: %d suppliers imported", pass, count)
		}
	}
}

func TestImportProvidersReport(t *testing.T) {
	t.Parallel()
	env, d := portalEnv(t)
	rows := importtest.ValidRows(3, time.Now())
	rows[1]["vat_number"] = "GB123456789"
	rows[1]["postcode"] = "NOWHERE"
	bad := writeFile(t, "bad.csv", importtest.CSV(rows))
	good := writeFile(t, "good.xlsx", importtest.XLSX(importtest.ValidRows(2, time.Now())))
	malformed := writeFile(t, "malformed.csv", []byte("supplier_ref,name\nA1,Acme\n"))

	res := run(t, env, nil, "import", "providers", "--dry-run", bad)
	if res.code != 1 {
		t.Fatalf("dry run: exit %d, stderr %s", res.code, res.stderr)
	}
	for _, line := range []string{
		"Checked 3 rows: 2 good, 1 failed. This was a dry run: nothing was imported.",
		"Row 3 (IMP00001): vat_number: Enter a real VAT number – check it against your VAT registration certificate; postcode: Enter a real postcode, like SW1A 1AA",
	} {
		if !strings.Contains(res.stdout, line+"\n") {
			t.Errorf("dry run printed %q, without %q", res.stdout, line)
		}
	}
	if !strings.Contains(res.stderr, "1 row failed") {
		t.Errorf("stderr %q", res.stderr)
	}

	res = run(t, env, nil, "import", "providers", bad)
	if res.code != 1 || !strings.Contains(res.stdout, "Checked 3 rows: 1 failed, so nothing was imported.") {
		t.Errorf("all or nothing: exit %d, stdout %q", res.code, res.stdout)
	}
	res = run(t, env, nil, "import", "providers", malformed)
	if res.code != 1 || !strings.Contains(res.stdout, "The file cannot be imported:\n  - Missing columns: legal_name") ||
		!strings.Contains(res.stdout, `Unknown columns: "name"`) || !strings.Contains(res.stdout, "Nothing was imported.") {
		t.Errorf("malformed: exit %d, stdout %q", res.code, res.stdout)
	}
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM organisations`); err != nil || n != 0 {
		t.Fatalf("%d organisations after refused imports (%v)", n, err)
	}

	res = run(t, env, nil, "import", "providers", good)
	if res.code != 0 || !strings.Contains(res.stdout, "Imported 2 rows: 2 created, 0 updated. The bank details of 2 suppliers were sent to finance to verify") {
		t.Fatalf("good file: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	// The bank details wait for finance as requests the operator made; nothing is payable.
	if err := d.Get(&n, `SELECT count(*) FROM bank_detail_changes WHERE status = 'pending_verification'
		AND requested_by IS NULL AND requested_by_name LIKE 'portal-cli:%'`); err != nil || n != 2 {
		t.Errorf("%d pending requests made by the operator (%v)", n, err)
	}
	if err := d.Get(&n, `SELECT count(*) FROM payment_details`); err != nil || n != 0 {
		t.Errorf("%d payment details made by an import (%v)", n, err)
	}
	if err := d.Get(&n, `SELECT count(*) FROM audit_events WHERE action = 'finance.bank_change.opened_from_import'
		AND actor_email LIKE 'portal-cli:%'`); err != nil || n != 2 {
		t.Errorf("%d requests audited as the operator's (%v)", n, err)
	}
	res = run(t, env, strings.NewReader(string(importtest.CSV(importtest.ValidRows(2, time.Now())))), "import", "providers", "-", "--format", "csv")
	if res.code != 0 || !strings.Contains(res.stdout, "Imported 2 rows: 0 created, 2 updated.") {
		t.Errorf("standard input: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}

	res = run(t, env, nil, "import", "invite", "--dry-run")
	if res.code != 0 || res.stdout != "2 key contacts would be invited to claim their records.\n" {
		t.Errorf("invite dry run: exit %d, stdout %q", res.code, res.stdout)
	}
	for _, want := range []string{"Invited 2 key contacts to claim their records.\n", "Invited 0 key contacts to claim their records.\n"} {
		res = run(t, env, nil, "import", "invite")
		if res.code != 0 || res.stdout != want {
			t.Errorf("invite: exit %d, stdout %q, want %q", res.code, res.stdout, want)
		}
	}
	if err := d.Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'claim_invitation'`); err != nil || n != 2 {
		t.Errorf("%d invitations mailed (%v)", n, err)
	}
}

func TestImportUsageErrors(t *testing.T) {
	t.Parallel()
	env, _ := portalEnv(t)
	file := writeFile(t, "suppliers.txt", []byte("x"))
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"no subcommand", []string{"import"}, "say providers or invite"},
		{"unknown subcommand", []string{"import", "contracts"}, `unknown import command "contracts"`},
		{"no file", []string{"import", "providers", "--dry-run"}, "give one FILE"},
		{"two files", []string{"import", "providers", "a.csv", "b.csv"}, "give one FILE"},
		{"unknown format", []string{"import", "providers", "a.csv", "--format", "ods"}, "say --format csv or --format xlsx"},
		{"format not in the name", []string{"import", "providers", file}, "say --format csv or --format xlsx"},
		{"standard input without a format", []string{"import", "providers", "-"}, "say --format csv or --format xlsx"},
		{"unknown mode", []string{"import", "providers", "a.csv", "--mode", "best-effort"}, "--mode must be all-or-nothing or valid-only"},
		{"unknown flag", []string{"import", "providers", "a.csv", "--force"}, "flag provided but not defined"},
		{"bank details as verified, no longer offered", []string{"import", "providers", "a.csv", "--bank-details-verified"}, "flag provided but not defined"},
		{"invite with an argument", []string{"import", "invite", "everyone"}, "takes no arguments"},
	}
	for _, tc := range tests {
		res := run(t, env, nil, tc.args...)
		if res.code != 2 || !strings.Contains(res.stderr, tc.wantStderr) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, res.code, res.stderr, tc.wantStderr)
		}
	}
	if res := run(t, env, nil, "import", "providers", filepath.Join(t.TempDir(), "missing.csv")); res.code != 1 ||
		!strings.Contains(res.stderr, "no such file") {
		t.Errorf("missing file: exit %d, stderr %q", res.code, res.stderr)
	}
}
