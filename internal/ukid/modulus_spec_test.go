package ukid

import (
	"encoding/csv"
	"errors"
	"os"
	"strconv"
	"testing"
)

// TestModulusSpecVectors runs the worked examples of the Pay.UK modulus checking
// specification's test appendix against the built-in table.
func TestModulusSpecVectors(t *testing.T) {
	f, err := os.Open("testdata/modulus-spec-vectors.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:] // header
	if len(rows) != 34 {
		t.Fatalf("want the specification's 34 examples, found %d", len(rows))
	}
	table := DefaultModulusTable()
	for _, row := range rows {
		sortCode, account, note := row[0], row[1], row[3]
		want, err := strconv.ParseBool(row[2])
		if err != nil {
			t.Fatalf("%v: %v", row, err)
		}
		t.Run(sortCode+"-"+account, func(t *testing.T) {
			err := table.Check(sortCode, account)
			if want && err != nil {
				t.Errorf("%s %s (%s): want valid, got %v", sortCode, account, note, err)
			}
			if !want {
				var e *Error
				if !errors.As(err, &e) || e.Problem != Checksum || e.Kind != KindAccountNumber {
					t.Errorf("%s %s (%s): want a failed modulus check, got %v", sortCode, account, note, err)
				}
			}
		})
	}
}
