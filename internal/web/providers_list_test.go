package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/lib/pq"
	"github.com/xuri/excelize/v2"
)

// dirOrg is a provider organisation as the directory tests need one; empty fields stay NULL.
type dirOrg struct {
	name, legal, trading, status string
	postcode, vat, company, cqc  string
	urns, categories             []string
	rag                          string
	ofsted, cqcRating            string // judgement and rating in the regulation section
	framework, route             string // of one contract
	updated                      time.Time
}

// dirInsert stores an organisation with its search columns, stored compliance, regulation
// section and a contract, as the record, the daily compliance job and a contract leave them.
func dirInsert(t *testing.T, s *webtest.Server, o dirOrg) string {
	t.Helper()
	if o.status == "" {
		o.status = "approved"
	}
	if o.updated.IsZero() {
		o.updated = time.Now()
	}
	null := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	if o.urns == nil {
		o.urns = []string{}
	}
	if o.categories == nil {
		o.categories = []string{}
	}
	var id string
	if err := s.DB.Get(&id, `INSERT INTO organisations (name, legal_name, trading_name, status, postcode, vat_number, companies_house_number,
		cqc_provider_id, ofsted_urns, service_categories, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		o.name, null(o.legal), null(o.trading), o.status, null(o.postcode), null(o.vat), null(o.company), null(o.cqc),
		pq.StringArray(o.urns), pq.StringArray(o.categories), o.updated); err != nil {
		t.Fatalf("insert %s: %v", o.name, err)
	}
	if o.rag != "" {
		if _, err := s.DB.Exec(`INSERT INTO provider_compliance (organisation_id, rag, reasons, computed_on) VALUES ($1, $2, '[]', current_date)`, id, o.rag); err != nil {
			t.Fatal(err)
		}
	}
	if o.ofsted != "" || o.cqcRating != "" {
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, 'regulation', $2, $2)`, id,
			fmt.Sprintf(`{"ofsted_registered": "yes", "ofsted": [{"urn": "SC000001", "judgement": %q}], "cqc_registered": "yes",
				"cqc_locations": [{"location_id": "1-000000001", "rating": %q}]}`, o.ofsted, o.cqcRating)); err != nil {
			t.Fatal(err)
		}
	}
	if o.framework != "" || o.route != "" {
		if o.route == "" {
			o.route = "framework"
		}
		if _, err := s.DB.Exec(`INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, framework_name,
			start_date, end_date, total_value_pence, annual_value_pence, status) VALUES ($1, 'Placements', $2, 'childrens_homes', $3, $4,
			current_date - 365, current_date + 365, 100000, 50000, 'active')`, "C-"+id[:8], id, o.route, o.framework); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// dirOfficer signs in a new officer.
func dirOfficer(t *testing.T, s *webtest.Server) *webtest.Client {
	t.Helper()
	return s.SignIn(t, s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, ""), 0)
}

// dirIDs are the providers a directory page lists, in order.
func dirIDs(doc *goquery.Document) []string {
	var out []string
	doc.Find("[data-directory] tr[data-provider]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-provider", ""))
	})
	return out
}

// dirGet fetches a directory page, failing unless it is a 200.
func dirGet(t *testing.T, c *webtest.Client, path string) *goquery.Document {
	t.Helper()
	resp, doc := c.Get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", path, resp.StatusCode, strings.TrimSpace(doc.Find("main").Text()))
	}
	return doc
}

// dirDownload fetches a download: its status, headers and bytes.
func dirDownload(t *testing.T, c *webtest.Client, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Client.Get(c.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// dirCSV reads a CSV download, dropping the byte order mark.
func dirCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return rows
}

// dirXLSX opens an XLSX download and returns its first sheet's rows.
func dirXLSX(t *testing.T, body []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func sortedCopy(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	return out
}

// The directory finds a provider by part of its name or by each identifier, typed the way
// people type them, and finds no other.
func TestDirectorySearchByEachIdentifier(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	target := dirInsert(t, s, dirOrg{name: "Oakfield (registered)", legal: "Oakfield Fostering CIC", trading: "Oakfield Family Placements",
		postcode: "NN1 1ED", vat: "GB980780684", company: "09121572", cqc: "1-101726253", urns: []string{"SC057941"}})
	dirInsert(t, s, dirOrg{name: "Birchwood", legal: "Birchwood Care Ltd", postcode: "LE1 5WW", vat: "GB100062787", company: "SC123456",
		cqc: "1-222222222", urns: []string{"SC999999"}})
	var ref string
	if err := s.DB.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, target); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ what, q string }{
		{"part of the legal name", "oakfield fost"},
		{"part of the trading name", "family placements"},
		{"Ofsted URN", "sc 057941"},
		{"CQC ID", "1 - 101726253"},
		{"postcode", "nn11ed"},
		{"postcode district", "NN1"},
		{"VAT number", "980 7806 84"},
		{"VAT number with its prefix", "GB980780684"},
		{"Companies House number without its leading zero", "9121572"},
		{"supplier reference", strings.ToLower(ref)},
	} {
		doc := dirGet(t, oc, "/providers?q="+url.QueryEscape(tt.q))
		if got := dirIDs(doc); !slices.Equal(got, []string{target}) {
			t.Errorf("search by %s (%q): %d providers, want Oakfield only", tt.what, tt.q, len(got))
		}
		if doc.Find(`input#q`).AttrOr("value", "") != tt.q {
			t.Errorf("search by %s: the box does not keep %q", tt.what, tt.q)
		}
	}
	doc := dirGet(t, oc, "/providers?q="+url.QueryEscape("GB 980 7806 84"))
	if read := doc.Find("[data-search-read-as]").Text(); !strings.Contains(read, "VAT number GB980780684") {
		t.Errorf("the page does not say the search was read as a VAT number: %q", read)
	}
	doc = dirGet(t, oc, "/providers?q=nothing+like+this")
	if len(dirIDs(doc)) != 0 || doc.Find("[data-directory-empty]").Length() != 1 {
		t.Error("a search matching nothing does not say so")
	}
}

// Each filter keeps exactly the providers it describes; a value that is not an option is a
// 400 with a message linked from the error summary, never a 500.
func TestDirectoryFilters(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	id := map[string]string{}
	add := func(key string, o dirOrg) { o.name = key; id[key] = dirInsert(t, s, o) }
	add("homes", dirOrg{categories: []string{"childrens_homes"}, rag: "red", ofsted: "inadequate", cqcRating: "good", framework: "East Midlands placements"})
	add("fostering", dirOrg{status: "submitted", categories: []string{"independent_fostering"}, rag: "amber", route: "spot"})
	add("schools", dirOrg{status: "suspended", categories: []string{"send_education"}, rag: "green", ofsted: "good", cqcRating: "requires_improvement",
		framework: "Regional SEND DPS", route: "dps"})
	add("unrated", dirOrg{status: "draft"})
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"status=approved", []string{"homes"}},
		{"status=suspended", []string{"schools"}},
		{"rag=red", []string{"homes"}},
		{"rag=green", []string{"schools"}},
		{"rag=unrated", []string{"unrated"}},
		{"category=independent_fostering", []string{"fostering"}},
		{"rating=good", []string{"homes", "schools"}},
		{"rating=inadequate", []string{"homes"}},
		{"framework=" + url.QueryEscape("Regional SEND DPS"), []string{"schools"}},
		{"route=spot", []string{"fostering"}},
		{"status=approved&rag=green", nil},
		{"rating=good&sort=rag&route=dps", []string{"schools"}},
	} {
		doc := dirGet(t, oc, "/providers?"+tt.query)
		var want []string
		for _, k := range tt.want {
			want = append(want, id[k])
		}
		if got := sortedCopy(dirIDs(doc)); !slices.Equal(got, sortedCopy(want)) {
			t.Errorf("%s: %d providers, want %v", tt.query, len(got), tt.want)
		}
		if total := doc.Find("[data-total]").AttrOr("data-total", ""); total != fmt.Sprint(len(want)) {
			t.Errorf("%s: the count says %s, want %d", tt.query, total, len(want))
		}
	}
	_, doc := oc.Get(t, "/providers?framework="+url.QueryEscape("Regional SEND DPS"))
	if doc.Find(`select#framework option[selected]`).AttrOr("value", "") != "Regional SEND DPS" {
		t.Error("the framework filter is not shown as applied")
	}
	for _, tt := range []struct{ query, field string }{
		{"status=deleted", "#status"}, {"rag=blue", "#rag"}, {"category=zoos", "#category"}, {"rating=fine", "#rating"},
		{"route=barter", "#route"}, {"sort=price", "#sort"}, {"q=" + strings.Repeat("a", 201), "#q"}, {"q=%00", "#q"}, {"q=%ff%fe", "#q"},
	} {
		resp, doc := oc.Get(t, "/providers?"+tt.query)
		if resp.StatusCode != http.StatusBadRequest || summaryLinks(doc)[tt.field] == "" {
			t.Errorf("%s: status %d, errors %v; want 400 linked to %s", tt.query, resp.StatusCode, summaryLinks(doc), tt.field)
		}
	}
}

// Every sort order lists the providers in its order: by name, by status in workflow order,
// most recently updated first, and worst compliance rating first.
func TestDirectorySortOrders(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	now := time.Now()
	cedar := dirInsert(t, s, dirOrg{name: "Cedar", status: "approved", rag: "green", updated: now.Add(-3 * time.Hour)})
	acorn := dirInsert(t, s, dirOrg{name: "acorn", status: "submitted", rag: "amber", updated: now.Add(-1 * time.Hour)})
	birch := dirInsert(t, s, dirOrg{name: "Birch", status: "draft", updated: now.Add(-2 * time.Hour)})
	elm := dirInsert(t, s, dirOrg{name: "Elm", legal: "Aardvark Homes Ltd", status: "rejected", rag: "red", updated: now})
	for _, tt := range []struct {
		sort string
		want []string
	}{
		{"", []string{elm, acorn, birch, cedar}}, // Aardvark Homes (Elm's legal name), acorn, Birch, Cedar: case does not matter
		{"status", []string{birch, acorn, cedar, elm}},
		{"updated", []string{elm, acorn, birch, cedar}},
		{"rag", []string{elm, acorn, cedar, birch}},
	} {
		doc := dirGet(t, oc, "/providers?sort="+tt.sort)
		if got := dirIDs(doc); !slices.Equal(got, tt.want) {
			t.Errorf("sort %q: got %v, want %v", tt.sort, got, tt.want)
		}
	}
}

// Walking the directory by its Next links visits every provider once, in order, with the
// filters kept; walking back by Previous returns the same pages; the First link goes home.
func TestDirectoryKeysetPagination(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	var approved []string
	for i := range 61 {
		status := "approved"
		if i%4 == 3 {
			status = "draft"
		}
		// Repeated names, so the walk must order ties by id.
		id := dirInsert(t, s, dirOrg{name: fmt.Sprintf("Provider %02d", i%20), status: status, rag: []string{"red", "amber", "green", ""}[i%4]})
		if status == "approved" {
			approved = append(approved, id)
		}
	}
	for _, tt := range []struct {
		query string
		want  int
	}{{"", 61}, {"status=approved", len(approved)}, {"sort=rag", 61}, {"sort=updated&status=approved", len(approved)}} {
		path := "/providers?" + tt.query
		var pages [][]string
		var seen []string
		for len(pages) < 10 {
			doc := dirGet(t, oc, path)
			ids := dirIDs(doc)
			pages, seen = append(pages, ids), append(seen, ids...)
			next, ok := doc.Find("[data-next]").Attr("href")
			if !ok {
				break
			}
			if !strings.Contains(next, tt.query) {
				t.Errorf("%s: the next link %s loses the filters", tt.query, next)
			}
			path = next
		}
		if len(seen) != tt.want || len(pages) != (tt.want+24)/25 {
			t.Errorf("%s: walked %d providers in %d pages, want %d", tt.query, len(seen), len(pages), tt.want)
		}
		if len(sortedCopy(seen)) != len(slices.Compact(sortedCopy(seen))) {
			t.Errorf("%s: a provider appeared on two pages", tt.query)
		}
		if tt.query == "status=approved" && !slices.Equal(sortedCopy(seen), sortedCopy(approved)) {
			t.Errorf("the approved walk visited other providers than the approved ones")
		}
		// Back from the last page, page by page.
		doc := dirGet(t, oc, path)
		for i := len(pages) - 2; i >= 0; i-- {
			prev, ok := doc.Find("[data-prev]").Attr("href")
			if !ok {
				t.Fatalf("%s: page %d has no previous link", tt.query, i+2)
			}
			doc = dirGet(t, oc, prev)
			if got := dirIDs(doc); !slices.Equal(got, pages[i]) {
				t.Errorf("%s: back to page %d gave other providers", tt.query, i+1)
			}
		}
		if doc.Find("[data-prev]").Length() != 0 || doc.Find("[data-first]").Length() != 0 {
			t.Errorf("%s: the first page, reached going back, links back further", tt.query)
		}
	}
	doc := dirGet(t, oc, "/providers?status=approved")
	next := doc.Find("[data-next]").AttrOr("href", "")
	doc = dirGet(t, oc, next)
	if first := doc.Find("[data-first]").AttrOr("href", ""); first != "/providers?status=approved" {
		t.Errorf("the first page link is %q", first)
	}
}

// A page link that was changed, cut short, made for another sort order or made up is a 400
// with a message, never a 500 and never read.
func TestDirectoryTamperedCursor(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	for i := range 30 {
		dirInsert(t, s, dirOrg{name: fmt.Sprintf("Provider %02d", i)})
	}
	doc := dirGet(t, oc, "/providers")
	next, err := url.Parse(doc.Find("[data-next]").AttrOr("href", ""))
	if err != nil || next.Query().Get("after") == "" {
		t.Fatalf("no next link: %v", err)
	}
	cursor := next.Query().Get("after")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, tt := range []struct{ what, query string }{
		{"a changed character", "after=" + url.QueryEscape(flip(cursor, 5))},
		{"a changed signature", "after=" + url.QueryEscape(flip(cursor, len(cursor)-3))},
		{"cut short", "after=" + url.QueryEscape(cursor[:len(cursor)/2])},
		{"made up", "after=not-a-cursor"},
		{"another sort order", "sort=status&after=" + url.QueryEscape(cursor)},
		{"both directions", "after=" + url.QueryEscape(cursor) + "&before=" + url.QueryEscape(cursor)},
		{"going back", "before=" + url.QueryEscape(flip(cursor, 8))},
	} {
		resp, doc := oc.Get(t, "/providers?"+tt.query)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tt.what, resp.StatusCode)
		}
		if msg := doc.Find("main").Text(); !strings.Contains(msg, "first page") {
			t.Errorf("%s: the page does not say what to do: %q", tt.what, strings.TrimSpace(msg))
		}
	}
	if resp, _ := oc.Get(t, "/providers?after="+url.QueryEscape(cursor)); resp.StatusCode != http.StatusOK {
		t.Errorf("the untouched cursor: %d", resp.StatusCode)
	}
}

// The directory downloads every provider the filters select (not just the page) as CSV and
// as an XLSX workbook, with formulas neutralised, and the download is audited.
func TestDirectoryExports(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	for i := range 30 {
		dirInsert(t, s, dirOrg{name: fmt.Sprintf("Provider %02d", i), categories: []string{"short_breaks"}, rag: "green"})
	}
	dirInsert(t, s, dirOrg{name: "=HYPERLINK(\"http://evil.example\",\"Click\")", categories: []string{"short_breaks"}, postcode: "NN1 1ED"})
	dirInsert(t, s, dirOrg{name: "Not a short break", categories: []string{"childrens_homes"}})
	doc := dirGet(t, oc, "/providers?category=short_breaks")
	csvHref := doc.Find(`[data-directory-downloads] a[data-download="csv"]`).AttrOr("href", "")
	xlsxHref := doc.Find(`[data-directory-downloads] a[data-download="xlsx"]`).AttrOr("href", "")
	if csvHref != "/providers.csv?category=short_breaks" || xlsxHref != "/providers.xlsx?category=short_breaks" {
		t.Fatalf("download links %q and %q", csvHref, xlsxHref)
	}
	resp, body := dirDownload(t, oc, csvHref)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="providers.csv"`) {
		t.Fatalf("CSV: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	resp, xbody := dirDownload(t, oc, xlsxHref)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="providers.xlsx"`) {
		t.Fatalf("XLSX: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	for format, rows := range map[string][][]string{"csv": dirCSV(t, body), "xlsx": dirXLSX(t, xbody)} {
		if len(rows) != 32 || rows[0][0] != "Supplier reference" || rows[0][1] != "Name" {
			t.Errorf("%s: %d rows, header %v; want the header and 31 providers", format, len(rows), rows[0])
			continue
		}
		var evil []string
		for _, r := range rows[1:] {
			if strings.Contains(r[1], "HYPERLINK") {
				evil = r
			}
			if r[1] == "Not a short break" {
				t.Errorf("%s: a provider the filter leaves out was downloaded", format)
			}
		}
		if evil == nil || evil[1] != `'=HYPERLINK("http://evil.example","Click")` || evil[6] != "NN1 1ED" {
			t.Errorf("%s: the formula-like name came out as %q", format, evil)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM audit_events WHERE action = 'directory.export.completed' AND (summary->>'rows')::int = 31`); n != 2 {
		t.Errorf("%d completed downloads audited with 31 rows, want 2", n)
	}
	if resp, _ := dirDownload(t, oc, "/providers.csv?status=nonsense"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a download with a bad filter: %d, want 400", resp.StatusCode)
	}
}

// Beyond the counting cap the heading says "more than", and the page still lists and
// downloads them; a filter the database keeps a count of is exact.
func TestDirectorySaysMoreThanBeyondTheCountCap(t *testing.T) {
	old := directory.CountCap
	directory.CountCap = 2
	t.Cleanup(func() { directory.CountCap = old })
	s := webtest.Start(t)
	oc := dirOfficer(t, s)
	for _, n := range []string{"Oak House", "Oak Lodge", "Oak Barn"} {
		dirInsert(t, s, dirOrg{name: n})
	}
	doc := dirGet(t, oc, "/providers?q=oak")
	h := doc.Find("#results-heading")
	if text := strings.Join(strings.Fields(h.Text()), " "); text != "More than 2 providers found" || h.AttrOr("data-more-than", "x") != "" {
		t.Errorf("heading %q", text)
	}
	if len(dirIDs(doc)) != 3 {
		t.Errorf("listed %d providers, want all 3", len(dirIDs(doc)))
	}
	if got := strings.Join(strings.Fields(doc.Find("[data-directory-downloads]").Text()), " "); !strings.HasPrefix(got, "Download all these providers") {
		t.Errorf("downloads %q", got)
	}
	doc = dirGet(t, oc, "/providers?status=approved")
	if text := strings.Join(strings.Fields(doc.Find("#results-heading").Text()), " "); text != "3 providers found" {
		t.Errorf("kept count heading %q", text)
	}
}
