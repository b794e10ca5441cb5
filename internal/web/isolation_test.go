package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/web"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/lib/pq"
)

// isoSaveInsurance saves the insurance section with three policies and a certificate for
// each, uploaded as files named prefix-KIND.pdf, and marks it completed. It returns the
// filenames.
func isoSaveInsurance(t *testing.T, c *webtest.Client, prefix string) []string {
	t.Helper()
	_, page := c.Get(t, "/provider/sections/insurance")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	field := func(k, v string) {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	field("_csrf", page.Find(`input[name="_csrf"]`).First().AttrOr("value", ""))
	field("version", page.Find(`form input[name="version"]`).AttrOr("value", ""))
	field("action", "save")
	field("el_exempt", "no")
	start, expiry := time.Now().AddDate(0, -1, 0), time.Now().AddDate(1, 0, 0)
	var names []string
	for i, kind := range provider.PolicyKinds {
		p := func(f string) string { return fmt.Sprintf("policies-%d-%s", i, f) }
		field(p("kind"), kind.Value)
		field(p("insurer"), "Mutual Assurance")
		field(p("policy_number"), "POL-"+prefix+"-"+kind.Value)
		field(p("cover"), "£6,000,000")
		for _, d := range []struct {
			name string
			at   time.Time
		}{{"start", start}, {"expiry", expiry}} {
			field(p(d.name)+"-day", fmt.Sprint(d.at.Day()))
			field(p(d.name)+"-month", fmt.Sprint(int(d.at.Month())))
			field(p(d.name)+"-year", fmt.Sprint(d.at.Year()))
		}
		name := prefix + "-" + kind.Value + ".pdf"
		part, err := w.CreateFormFile(p("certificate"), name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Client.Post(c.Base+"/provider/sections/insurance", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save insurance: status %d", resp.StatusCode)
	}
	_, doc := c.Get(t, "/provider/sections/insurance/check")
	complete := doc.Find(`form[action="/provider/sections/insurance/complete"]`)
	resp2, _ := c.Post(t, "/provider/sections/insurance/complete", url.Values{
		"_csrf": {complete.Find(`input[name="_csrf"]`).AttrOr("value", "")}, "version": {complete.Find(`input[name="version"]`).AttrOr("value", "")}})
	if resp2.StatusCode != http.StatusSeeOther {
		t.Fatalf("complete insurance: status %d", resp2.StatusCode)
	}
	return names
}

// isoSnapshot is everything stored about an organisation: its row, and its rows in every
// table with an organisation_id column (sections, documents, history, comments, members,
// invitations, sessions acting for it, and any table added later), as text.
func isoSnapshot(t *testing.T, s *webtest.Server, orgID string) map[string]string {
	t.Helper()
	var tables []string
	if err := s.DB.Select(&tables, `SELECT DISTINCT table_name::text FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name = 'organisation_id' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(tables, "provider_sections") || !slices.Contains(tables, "documents") {
		t.Fatalf("tables with an organisation_id: %v", tables)
	}
	out := map[string]string{}
	for _, table := range append(tables, "organisations") {
		column := "organisation_id"
		if table == "organisations" {
			column = "id"
		}
		var rows string
		q := fmt.Sprintf(`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM %s t WHERE %s = $1`,
			pq.QuoteIdentifier(table), column)
		if err := s.DB.Get(&rows, q, orgID); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = rows
	}
	return out
}

// providerRoutes are the routes whose rule lets a signed-in provider user through, in the
// order the walk takes them: reads first, then changes, those naming something by a
// parameter before those that act on the session's organisation (such as submitting).
func providerRoutes() []web.Route {
	var out []web.Route
	for _, r := range web.RouteTable() {
		if r.Rule.Stage == auth.StageFull && (len(r.Rule.Roles) == 0 || slices.Contains(r.Rule.Roles, auth.RoleProvider)) {
			out = append(out, r)
		}
	}
	rank := func(r web.Route) int {
		n := 0
		if r.Method != http.MethodGet {
			n += 2
		}
		if !strings.Contains(r.Path, ":") {
			n++
		}
		return n
	}
	slices.SortStableFunc(out, func(a, b web.Route) int { return rank(a) - rank(b) })
	return out
}

// isoPath is a route's path with one combination of values for its parameters, and
// whether any of them names one of B's things (rather than a section key both share).
type isoPath struct {
	path  string
	names bool
}

// isoPaths fills each parameter of pattern with every candidate: section keys for
// ":section", and B's organisation, document and user ids (and supplier reference) for any
// other parameter.
func isoPaths(pattern string, bIDs []string) []isoPath {
	paths := []isoPath{{}}
	for _, seg := range strings.Split(strings.TrimPrefix(pattern, "/"), "/") {
		var values []string
		var namesB bool
		switch {
		case seg == ":section":
			for _, def := range provider.Sections {
				values = append(values, string(def.Key))
			}
		case strings.HasPrefix(seg, ":"):
			values, namesB = bIDs, true
		default:
			values = []string{seg}
		}
		var next []isoPath
		for _, p := range paths {
			for _, v := range values {
				next = append(next, isoPath{path: p.path + "/" + v, names: p.names || namesB})
			}
		}
		paths = next
	}
	return paths
}

// isoSectionForm is a complete, valid set of answers for a section (insurance aside, whose
// certificates are files), made up so that a save landing anywhere shows: it is sent with
// B's version and ids, so the only acceptable outcome is that it changes A's own record.
func isoSectionForm(key string) url.Values {
	past := time.Now().AddDate(-1, 0, 0)
	v := url.Values{}
	date := func(name string, t time.Time) {
		v.Set(name+"-day", fmt.Sprint(t.Day()))
		v.Set(name+"-month", fmt.Sprint(int(t.Month())))
		v.Set(name+"-year", fmt.Sprint(t.Year()))
	}
	switch provider.SectionKey(key) {
	case provider.SectionOrganisation:
		v = url.Values{"legal_name": {"Sent By Acorn Ltd"}, "legal_form": {"partnership"}, "operation_type": {"sme"}, "service_categories": {"short_breaks"}}
		date("start_date", past)
	case provider.SectionContacts:
		v = url.Values{"key_contact_name": {"Sent By Acorn"}, "key_contact_role": {"Director"}, "key_contact_email": {"sent@acorn.example"},
			"key_contact_phone": {"07700 900123"}}
	case provider.SectionAddresses:
		v = url.Values{"reg_line1": {"9 Sent Street"}, "reg_town": {"Leeds"}, "reg_postcode": {"LS1 4AP"}, "correspondence_same": {"yes"}}
	case provider.SectionVAT:
		v = url.Values{"vat_registered": {"no"}}
	case provider.SectionBank:
		v = url.Values{"account_name": {"Sent By Acorn"}, "sort_code": {"10-79-99"}, "account_number": {"88837491"}}
	case provider.SectionRegulation:
		v = url.Values{"ofsted_registered": {"no"}, "cqc_registered": {"no"}, "not_registered_reason": {"Sent by Acorn"}}
	case provider.SectionSafeguarding:
		v = url.Values{"staff-0-name": {"Sent By Acorn"}, "staff-0-role": {"Carer"}, "staff-0-level": {"enhanced"},
			"staff-0-certificate_number": {"009876543210"}, "staff-0-update_service": {"no"}, "staff-0-last_check_result": {"not_checked"}}
		date("staff-0-issue_date", past)
	case provider.SectionHealthSafety:
		v = url.Values{"lead_name": {"Sent By Acorn"}, "reportable_incidents": {"3"}}
		date("hs_policy_review", past)
		date("safeguarding_policy_review", past)
	case provider.SectionDeclarations:
		v = url.Values{"accurate": {"true"}, "notice_read": {"true"}, "notice_version": {"1"}}
	}
	return v
}

// TestIsolationProviderRoutes signs in as organisation A's provider user and tries every
// route a provider may use against organisation B: B's organisation, document and user ids
// in every parameter, every section key, and B's ids in the query string and in the form of
// every POST (with B's versions, so a write that reached B would succeed). Every response
// must refuse (403 or 404) or act on A's own record; B's rows must be unchanged; and nothing
// of B's may appear in any response to A.
func TestIsolationProviderRoutes(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	a := newFilledProvider(t, s, "acorn", "Acorn Fostering Partners")
	b := newFilledProvider(t, s, "birchwood", "Birchwood Care Services")
	bFiles := isoSaveInsurance(t, b.Client, "birchwood-certificate")

	var bOrg struct {
		Ref     string `db:"supplier_ref"`
		Version int    `db:"version"`
	}
	if err := s.DB.Get(&bOrg, `SELECT supplier_ref, version FROM organisations WHERE id = $1`, b.OrgID); err != nil {
		t.Fatal(err)
	}
	var bDocs []string
	if err := s.DB.Select(&bDocs, `SELECT id::text FROM documents WHERE organisation_id = $1 ORDER BY uploaded_at`, b.OrgID); err != nil {
		t.Fatal(err)
	}
	bVersions := map[string]string{}
	recs, err := provider.SectionRecords(t.Context(), s.DB, b.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for k, r := range recs {
		bVersions[string(k)] = fmt.Sprint(r.Version)
	}
	// What must never reach A: B's names, its staff member (DBS), its key contact, its user,
	// its supplier reference and the names of its certificates.
	secrets := append([]string{b.LegalName, b.StaffName, b.KeyContact, b.User.Email, bOrg.Ref}, bFiles...)
	bIDs := append([]string{b.OrgID, b.User.ID}, bDocs...)
	before := isoSnapshot(t, s, b.OrgID)

	c := a.Client
	hostile := url.Values{}
	for _, k := range []string{"organisation_id", "organisation", "org", "org_id", "id", "provider_id"} {
		hostile.Set(k, b.OrgID)
	}
	hostile.Set("document_id", bDocs[0])
	hostile.Set("user_id", b.User.ID)
	var requests, refused int
	for _, r := range providerRoutes() {
		for _, p := range isoPaths(r.Path, bIDs) {
			section := ""
			if i := strings.Index(r.Path, ":section"); i >= 0 {
				section = strings.SplitN(p.path[i:], "/", 2)[0]
			}
			for _, query := range []string{"", "?" + hostile.Encode()} {
				where := r.Method + " " + p.path + query
				var resp *http.Response
				if r.Method == http.MethodGet {
					resp, err = c.Client.Get(c.Base + p.path + query)
				} else {
					values := isoSectionForm(section)
					for k, vs := range hostile {
						values[k] = vs
					}
					values.Set("_csrf", c.CSRF(t, "/provider"))
					values.Set("version", fmt.Sprint(bOrg.Version))
					if v, ok := bVersions[section]; ok {
						values.Set("version", v)
						values.Set("section", section)
					}
					resp, err = c.Client.PostForm(c.Base+p.path+query, values)
				}
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				requests++
				var body bytes.Buffer
				_, err = body.ReadFrom(resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range resp.Header {
					fmt.Fprintf(&body, "\n%s: %s", k, strings.Join(vs, ", "))
				}
				got := resp.StatusCode
				switch {
				case got >= 500:
					t.Errorf("%s: status %d", where, got)
				case p.names && r.Method == http.MethodGet && got != http.StatusForbidden && got != http.StatusNotFound:
					t.Errorf("%s: status %d; a page for something of B's must be 403 or 404", where, got)
				case got == http.StatusForbidden || got == http.StatusNotFound:
					refused++
				}
				for _, secret := range secrets {
					if strings.Contains(body.String(), secret) {
						t.Errorf("%s: the response to A shows B's %q", where, secret)
					}
				}
				if got == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/sign-in") {
					c = s.SignIn(t, a.User, 0) // the request ended the session: carry on signed in
				}
			}
		}
	}
	if requests == 0 || refused == 0 {
		t.Fatalf("%d requests, %d refused: the walk tried nothing", requests, refused)
	}
	t.Logf("%d requests as A's user, %d refused", requests, refused)

	after := isoSnapshot(t, s, b.OrgID)
	for table, rows := range before {
		if after[table] != rows {
			t.Errorf("B's rows in %s changed:\nbefore %s\nafter  %s", table, rows, after[table])
		}
	}
	for table, rows := range after {
		if _, ok := before[table]; !ok && rows != "" {
			t.Errorf("B has new rows in %s: %s", table, rows)
		}
	}
	// The save sent with B's ids and B's version landed on A's own record (the two records
	// were built the same way, so their organisation sections have the same version).
	var aLegal string
	if err := s.DB.Get(&aLegal, `SELECT data->>'legal_name' FROM provider_sections WHERE organisation_id = $1 AND section = 'organisation'`, a.OrgID); err != nil {
		t.Fatal(err)
	}
	if aLegal != "Sent By Acorn Ltd" {
		t.Errorf("A's legal name is %q: the save sent as A did not act on A's record", aLegal)
	}
	// A's session still acts for A, and B's documents still reach B's own user.
	_, doc := c.Get(t, "/provider")
	if caption := cellText(doc.Find(".govuk-caption-l")); !strings.Contains(caption, "Acorn") {
		t.Errorf("after the walk A's task list is for %q", caption)
	}
	resp, err := b.Client.Client.Get(b.Client.Base + "/documents/" + bDocs[len(bDocs)-1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("B's own user downloading B's certificate: status %d", resp.StatusCode)
	}
}

// TestIsolationPathsCoverEveryParameter pins the walk's substitutions: every parameter of
// a route is filled, ids with each of B's, sections with every key.
func TestIsolationPathsCoverEveryParameter(t *testing.T) {
	ids := []string{"org-b", "doc-b"}
	tests := []struct {
		pattern string
		want    []isoPath
	}{
		{"/provider", []isoPath{{"/provider", false}}},
		{"/documents/:id", []isoPath{{"/documents/org-b", true}, {"/documents/doc-b", true}}},
		{"/x/:id/y/:token", []isoPath{{"/x/org-b/y/org-b", true}, {"/x/org-b/y/doc-b", true}, {"/x/doc-b/y/org-b", true}, {"/x/doc-b/y/doc-b", true}}},
	}
	for _, tt := range tests {
		if got := isoPaths(tt.pattern, ids); !slices.Equal(got, tt.want) {
			t.Errorf("isoPaths(%s) = %v, want %v", tt.pattern, got, tt.want)
		}
	}
	sections := isoPaths("/provider/sections/:section/check", ids)
	if len(sections) != len(provider.Sections) || !slices.Contains(sections, isoPath{"/provider/sections/safeguarding/check", false}) {
		t.Errorf("section paths %v", sections)
	}
	var walked []string
	for _, r := range providerRoutes() {
		walked = append(walked, r.Method+" "+r.Path)
	}
	for _, want := range []string{"GET /provider/sections/:section", "POST /provider/sections/:section", "GET /documents/:id", "POST /provider/submit"} {
		if !slices.Contains(walked, want) {
			t.Errorf("the walk leaves out %s; it takes %v", want, walked)
		}
	}
	if slices.Contains(walked, "GET /review") || slices.Contains(walked, "POST /sign-out") {
		t.Errorf("the walk takes routes a provider cannot use: %v", walked)
	}
}
