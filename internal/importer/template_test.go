package importer_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/council/provider-portal/internal/importer"
	"github.com/xuri/excelize/v2"
)

func TestGuidanceDescribesEveryColumnInOrder(t *testing.T) {
	t.Parallel()
	if len(importer.Guidance) != len(importer.Columns) {
		t.Fatalf("%d guides for %d columns", len(importer.Guidance), len(importer.Columns))
	}
	for i, g := range importer.Guidance {
		if g.Name != importer.Columns[i] || g.Label == "" || g.Required == "" || g.Description == "" {
			t.Errorf("guide %d: %+v", i, g)
		}
	}
}

// TestTemplatesImport writes each template and reads it back: a header the importer accepts
// and no rows.
func TestTemplatesImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, format := range []importer.Format{importer.CSV, importer.XLSX} {
		var b bytes.Buffer
		if err := importer.WriteTemplate(&b, format); err != nil {
			t.Fatal(err)
		}
		rep := f.run(t, b.Bytes(), importer.Options{Format: format, DryRun: true})
		if len(rep.FileErrors) != 0 || rep.Total != 0 {
			t.Errorf("%s template: %+v", format, rep)
		}
		if format != importer.XLSX {
			continue
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got := x.GetSheetList(); !slices.Equal(got, []string{importer.SheetName, importer.GuidanceSheet}) {
			t.Errorf("sheets %v", got)
		}
		rows, err := x.GetRows(importer.SheetName)
		if err != nil || len(rows) != 1 || !slices.Equal(rows[0], importer.Columns) {
			t.Errorf("data sheet %v (%v)", rows, err)
		}
		guide, err := x.GetRows(importer.GuidanceSheet)
		if err != nil || len(guide) != len(importer.Columns)+1 || guide[1][0] != "supplier_ref" {
			t.Errorf("guidance sheet has %d rows (%v)", len(guide), err)
		}
		x.Close()
	}
	if _, ok := importer.FormatOf("suppliers.XLSX"); !ok {
		t.Error("FormatOf does not know .XLSX")
	}
	if f, ok := importer.ParseFormat(" Csv "); !ok || f != importer.CSV {
		t.Error("ParseFormat does not know Csv")
	}
	if _, ok := importer.FormatOf("suppliers.ods"); ok {
		t.Error("FormatOf accepts .ods")
	}
}
