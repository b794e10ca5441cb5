package regulator

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/xuri/excelize/v2"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseOfstedFileFindsHeaderBelowTitleLines(t *testing.T) {
	f, err := Parse(Ofsted, readFixture(t, "ofsted_providers_inspections.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 6, RegulatorID: "SC111111", Name: "REDACTED", Judgement: Inadequate, JudgementDate: day(2026, 10, 1)},
		{Line: 7, RegulatorID: "SC222222", Name: "Brightways Fostering", Judgement: Outstanding, JudgementDate: day(2026, 9, 15)},
		{Line: 8, RegulatorID: "SC333333", Name: "REDACTED", Judgement: Good, JudgementDate: day(2026, 6, 3)},
		{Line: 10, RegulatorID: "2567890", Name: "Hillside School", Judgement: RequiresImprovement, JudgementDate: day(2026, 3, 12)},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("rows = %+v, want %+v", f.Rows, want)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], want[i])
		}
	}
	// The setting not yet inspected (no judgement) is read and skipped.
	if f.RowsRead != 5 || f.Skipped != 1 || len(f.Problems) != 0 {
		t.Errorf("read %d, skipped %d, problems %v; want 5, 1, none", f.RowsRead, f.Skipped, f.Problems)
	}
}

func TestParseOfstedJudgementCodes(t *testing.T) {
	f, err := Parse(Ofsted, readFixture(t, "ofsted_inspections_codes.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Judgement{}
	for _, r := range f.Rows {
		got[r.RegulatorID] = r.Judgement
	}
	want := map[string]Judgement{"SC111111": Inadequate, "SC222222": Outstanding, "SC555555": RequiresImprovement, "SC666666": Good, "SC777777": NotJudged}
	for id, j := range want {
		if got[id] != j {
			t.Errorf("%s = %q, want %q", id, got[id], j)
		}
	}
	if f.Rows[0].JudgementDate != day(2026, 10, 1) {
		t.Errorf("date = %v", f.Rows[0].JudgementDate)
	}
}

func TestParseCQCWorkbook(t *testing.T) {
	f, err := Parse(CQC, readFixture(t, "cqc_care_directory_with_ratings.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 5, RegulatorID: "1-101111111", Name: "Harbour Support Services", Judgement: RequiresImprovement, JudgementDate: day(2026, 10, 20)},
		{Line: 6, RegulatorID: "1-102222222", Name: "Brightways House", Judgement: Good, JudgementDate: day(2026, 9, 2)},
		{Line: 7, RegulatorID: "1-103333333", Name: "Elm Lodge", Judgement: Outstanding, JudgementDate: day(2025, 12, 1)},
		{Line: 8, RegulatorID: "1-104444444", Name: "New Path Home Care", Judgement: NotJudged},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("rows = %+v", f.Rows)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], want[i])
		}
	}
}

func TestParseJudgementWordsAndCodes(t *testing.T) {
	for in, want := range map[string]Judgement{
		"Outstanding": Outstanding, "GOOD": Good, " requires  improvement to be good ": RequiresImprovement, "Requires improvement": RequiresImprovement,
		"Inadequate": Inadequate, "Not rated": NotJudged, "1": Outstanding, "2": Good, "3": RequiresImprovement, "4": Inadequate, "5": NotJudged, "4.0": Inadequate,
	} {
		if got, ok := ParseJudgement(in); !ok || got != want {
			t.Errorf("ParseJudgement(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"6", "0", "Excellent", ""} {
		if _, ok := ParseJudgement(in); ok {
			t.Errorf("ParseJudgement(%q) read a judgement", in)
		}
	}
}

func TestParseRefusesAFileWithoutItsColumns(t *testing.T) {
	// The CQC's file given as Ofsted's: no URN column.
	_, err := Parse(Ofsted, readFixture(t, "cqc_care_directory_with_ratings.xlsx"))
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "URN") {
		t.Errorf("err = %v", err)
	}
	_, err = Parse(CQC, []byte("not,a\npublished,file\n"))
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("err = %v", err)
	}
	_, err = Parse(CQC, []byte("PK\x03\x04broken"))
	if !apperr.Is(err, apperr.Invalid) {
		t.Errorf("broken workbook: err = %v", err)
	}
}

func TestParseReportsUnreadableRows(t *testing.T) {
	in := "Title\n\nURN,Inspection date,Overall effectiveness\nSC111111,01/10/2026,Excellent\nnot-a-urn,01/10/2026,2\nSC222222,yesterday,2\nSC333333,01/10/2026,2\n"
	f, err := Parse(Ofsted, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 1 || f.Skipped != 3 || len(f.Problems) != 3 || !strings.HasPrefix(f.Problems[0], "Row 4:") {
		t.Errorf("rows %+v skipped %d problems %q", f.Rows, f.Skipped, f.Problems)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("URN,Overall effectiveness\nSC111111,1\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, s := range []Source{Ofsted, CQC} {
			file, err := Parse(s, b)
			if err != nil && !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("Parse error of kind other than Invalid: %v", err)
			}
			if err == nil && len(file.Rows)+file.Skipped != file.RowsRead {
				t.Fatalf("rows %d + skipped %d != read %d", len(file.Rows), file.Skipped, file.RowsRead)
			}
		}
	})
}

func TestParseCleansTextFromTheFile(t *testing.T) {
	in := "URN,Setting name,Overall effectiveness,Inspection date\nSC111111,Acorn\x00 House\x07,2,01/10/2026\nSC2\x00,x,2,01/10/2026\n"
	f, err := Parse(Ofsted, []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 1 || f.Rows[0].Name != "Acorn House" || len(f.Problems) != 1 || strings.ContainsRune(f.Problems[0], 0) {
		t.Errorf("rows %+v problems %q", f.Rows, f.Problems)
	}
}

// The CQC publishes its latest ratings as an ODS workbook: a read-me sheet first, then a row
// per location for each key question and population group. Only the overall rating is read,
// with the row numbers a spreadsheet program shows, and the sheet's million blank rows are
// passed over without being held.
func TestParseCQCLatestRatingsODS(t *testing.T) {
	f, err := Parse(CQC, readFixture(t, "cqc_latest_ratings.ods"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Line: 10, RegulatorID: "1-101111111", Name: "Harbour Support Services", Judgement: RequiresImprovement, JudgementDate: day(2026, 10, 20)},
		{Line: 16, RegulatorID: "1-102222222", Name: "Brightways House", Judgement: Good, JudgementDate: day(2026, 9, 2)},
		{Line: 22, RegulatorID: "1-103333333", Name: "Elm Lodge", Judgement: Outstanding, JudgementDate: day(2025, 12, 1)},
		{Line: 24, RegulatorID: "1-104444444", Name: "New Path Home Care", Judgement: Good, JudgementDate: day(2026, 8, 14)},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("rows = %+v", f.Rows)
	}
	for i := range want {
		if f.Rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], want[i])
		}
	}
	if f.RowsRead != 4 || f.Skipped != 0 || len(f.Problems) != 0 {
		t.Errorf("read %d, skipped %d, problems %v", f.RowsRead, f.Skipped, f.Problems)
	}
}

// A workbook whose first sheet is notes is read from the sheet that has the data.
func TestParseWorkbookFindsTheDataSheet(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", "Notes")
	x.SetSheetRow("Notes", "A1", &[]any{"About this file: the latest overall rating of each location"})
	x.NewSheet("Locations")
	x.SetSheetRow("Locations", "A1", &[]any{"Care directory with ratings"})
	x.SetSheetRow("Locations", "A3", &[]any{"Location ID", "Location Name", "Location Latest Overall Rating", "Publication Date"})
	x.SetSheetRow("Locations", "A4", &[]any{"1-101111111", "Harbour Support Services", "Inadequate", "2026-11-02"})
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(CQC, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 1 || f.Rows[0] != (Row{Line: 4, RegulatorID: "1-101111111", Name: "Harbour Support Services", Judgement: Inadequate, JudgementDate: day(2026, 11, 2)}) {
		t.Errorf("rows = %+v", f.Rows)
	}
}

// An ODS file that repeats a filled row millions of times, or is not a spreadsheet inside, is
// refused with a message rather than read into memory.
func TestParseRefusesHostileODS(t *testing.T) {
	odsWith := func(content string) []byte {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		w, _ := z.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
		w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
		if content != "" {
			w, _ = z.Create("content.xml")
			w.Write([]byte(content))
		}
		z.Close()
		return buf.Bytes()
	}
	const ns = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"`
	for name, file := range map[string][]byte{
		"repeated row": odsWith(`<office:document-content ` + ns + `><office:body><office:spreadsheet><table:table table:name="L">` +
			`<table:table-row table:number-rows-repeated="5000000"><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`),
		"repeated cell": odsWith(`<office:document-content ` + ns + `><office:body><office:spreadsheet><table:table table:name="L">` +
			`<table:table-row><table:table-cell table:number-columns-repeated="5000000"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`),
		"no content":  odsWith(""),
		"not xml":     odsWith("<office:document-content"),
		"bad repeats": odsWith(`<office:document-content ` + ns + `><office:body><office:spreadsheet><table:table><table:table-row table:number-rows-repeated="-3"/></table:table></office:spreadsheet></office:body></office:document-content>`),
	} {
		if _, err := Parse(CQC, file); !apperr.Is(err, apperr.Invalid) || !strings.Contains(apperr.MessageOf(err), "ODS") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
