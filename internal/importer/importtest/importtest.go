// Package importtest makes supplier import files for tests: rows whose every check passes,
// with identifiers (VAT numbers, sort codes and account numbers) computed so that they pass
// HMRC's and Pay.UK's checks and confirmed with internal/ukid, in CSV or XLSX.
package importtest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/importer"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/xuri/excelize/v2"
)

// Row is one row of an import file: column name to cell.
type Row map[string]string

// SortCode is the sort code of every generated account: the Pay.UK specification's example
// sort code, which the modulus table does check.
const SortCode = "089999"

// VAT returns the i-th (from 0) of a series of distinct UK VAT numbers with valid check
// digits: 7 digits, then the two that make the weighted sum a multiple of 97.
func VAT(i int) string {
	for base := 1000000 + i; ; base += 9000000 {
		d := strconv.Itoa(base)
		sum := 0
		for k, w := range []int{8, 7, 6, 5, 4, 3, 2} {
			sum += w * int(d[k]-'0')
		}
		n := fmt.Sprintf("GB%s%02d", d, (97-sum%97)%97)
		if _, err := ukid.VAT(n); err == nil {
			return n
		}
	}
}

// AccountNumber returns the i-th (from 0) of a series of distinct account numbers that pass
// the modulus check with SortCode.
func AccountNumber(i int) string {
	table := ukid.DefaultModulusTable()
	for n := 10000000 + i*100; ; n++ {
		acc := strconv.Itoa(n)
		if table.Check(SortCode, acc) == nil {
			return acc
		}
	}
}

// ValidRow is the i-th (from 0) of a series of rows whose every check passes, with
// supplier reference IMP00000 onwards and policies expiring a year after today.
func ValidRow(i int, today time.Time) Row {
	expiry := today.AddDate(1, 0, 0).Format("2006-01-02")
	return Row{
		"supplier_ref":           fmt.Sprintf("IMP%05d", i),
		"legal_name":             fmt.Sprintf("Supplier %d Ltd", i),
		"trading_name":           fmt.Sprintf("Supplier %d", i),
		"legal_form":             "company",
		"companies_house_number": fmt.Sprintf("%08d", 1000000+i),
		"vat_number":             VAT(i),
		"address_line_1":         fmt.Sprintf("%d High Street", i+1),
		"town":                   "Northampton",
		"postcode":               "NN1 1AA",
		"key_contact_name":       fmt.Sprintf("Kim Contact %d", i),
		"key_contact_email":      fmt.Sprintf("kim%d@supplier%d.example.org", i, i),
		"key_contact_phone":      "01632 960 001",
		"account_name":           fmt.Sprintf("Supplier %d Ltd", i),
		"sort_code":              SortCode,
		"account_number":         AccountNumber(i),
		"ofsted_urn":             fmt.Sprintf("SC%06d", 100000+i),
		"cqc_provider_id":        fmt.Sprintf("1-%09d", 100000000+i),
		"el_insurer":             "Zurich Insurance",
		"el_cover_pence":         "1000000000",
		"el_expiry":              expiry,
		"pl_insurer":             "Zurich Insurance",
		"pl_cover_pence":         "500000000",
		"pl_expiry":              expiry,
	}
}

// ValidRows returns n rows from ValidRow.
func ValidRows(n int, today time.Time) []Row {
	out := make([]Row, n)
	for i := range out {
		out[i] = ValidRow(i, today)
	}
	return out
}

// Cells is a row's cells in template column order.
func (r Row) Cells() []string {
	out := make([]string, len(importer.Columns))
	for i, c := range importer.Columns {
		out[i] = r[c]
	}
	return out
}

// CSV writes the rows under the template's header.
func CSV(rows []Row) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(importer.Columns)
	for _, r := range rows {
		_ = w.Write(r.Cells())
	}
	w.Flush()
	return b.Bytes()
}

// XLSX writes the rows under the template's header on a "Suppliers" sheet, every cell as text.
func XLSX(rows []Row) []byte {
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", importer.SheetName)
	sw, err := f.NewStreamWriter(importer.SheetName)
	if err != nil {
		panic(err)
	}
	write := func(n int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, vals); err != nil {
			panic(err)
		}
	}
	write(1, importer.Columns)
	for i, r := range rows {
		write(i+2, r.Cells())
	}
	if err := sw.Flush(); err != nil {
		panic(err)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}
