package web_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/directory"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/web"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// openAPIFile is the document the binary embeds and serves.
const openAPIFile = "openapi.json"

// openAPIBase is where the tests file the document as a JSON Schema resource, so the
// schemas' "#/components/schemas/…" references resolve within it.
const openAPIBase = "https://provider-portal.test/api/v1/openapi.json"

// openAPIMethods are the operations a path item can hold.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIDoc map[string]any

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s is not JSON: %v", openAPIFile, err)
	}
	return doc
}

// obj is v as a JSON object, or nil.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// resolve follows a local "$ref" (an OpenAPI reference to a response or parameter).
func (d openAPIDoc) resolve(v map[string]any) map[string]any {
	ref, ok := v["$ref"].(string)
	if !ok {
		return v
	}
	cur := any(map[string]any(d))
	for _, seg := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		cur = obj(cur)[strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")]
	}
	return obj(cur)
}

// operation is the documented operation for a method and an OpenAPI path, or nil.
func (d openAPIDoc) operation(method, path string) map[string]any {
	return obj(obj(obj(d["paths"])[path])[strings.ToLower(method)])
}

// openAPIPath is a fiber route pattern as OpenAPI writes it: /x/:id becomes /x/{id}.
func openAPIPath(pattern string) string {
	return regexp.MustCompile(`:([A-Za-z_]+)`).ReplaceAllString(pattern, "{$1}")
}

// TestOpenAPIDocumentsEveryRoute holds the document to routes.go both ways: every API route
// is documented with its scope, and every documented operation is a route.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi %v, want 3.1.0", doc["openapi"])
	}
	if info := obj(doc["info"]); info["title"] == nil || info["version"] == nil {
		t.Errorf("info %v", info)
	}
	routes := map[string]web.Route{}
	for _, r := range web.RouteTable() {
		if strings.HasPrefix(r.Path, "/api/") {
			routes[strings.ToLower(r.Method)+" "+openAPIPath(r.Path)] = r
		}
	}
	documented := map[string]bool{}
	for path, item := range obj(doc["paths"]) {
		for method := range obj(item) {
			if slices.Contains(openAPIMethods, method) {
				documented[method+" "+path] = true
			}
		}
	}
	for key, r := range routes {
		if !documented[key] {
			t.Errorf("%s %s is a route but not in %s", r.Method, r.Path, openAPIFile)
			continue
		}
		method, path, _ := strings.Cut(key, " ")
		op := doc.operation(method, path)
		// The scope the route's rule names is the one the document asks for.
		security, _ := json.Marshal(op["security"])
		want := `[{"bearerAuth":["` + string(r.Rule.Scope) + `"]}]`
		if r.Rule.Scope == "" {
			want = `[]`
		}
		if string(security) != want {
			t.Errorf("%s: security %s, want %s (rule %s)", key, security, want, r.Rule.Name)
		}
		// Every path parameter is declared, and nothing else is.
		var declared []string
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			if p := doc.resolve(obj(p)); p["in"] == "path" {
				declared = append(declared, p["name"].(string))
			}
		}
		var inPath []string
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		if !slices.Equal(declared, inPath) {
			t.Errorf("%s declares path parameters %v, the path has %v", key, declared, inPath)
		}
		if obj(op["responses"])["200"] == nil {
			t.Errorf("%s documents no 200", key)
		}
	}
	for key := range documented {
		if _, ok := routes[key]; !ok {
			t.Errorf("%s is in %s but routes.go has no such route", key, openAPIFile)
		}
	}
	if len(routes) < 8 {
		t.Errorf("only %d API routes", len(routes))
	}
}

// TestOpenAPIParameterEnumsMatchTheCode checks the documented choices of each filter are
// exactly those the handlers accept.
func TestOpenAPIParameterEnumsMatchTheCode(t *testing.T) {
	doc := loadOpenAPI(t)
	values := func(opts []provider.Option) []string {
		out := make([]string, len(opts))
		for i, o := range opts {
			out[i] = o.Value
		}
		return out
	}
	tests := []struct {
		path, param string
		want        []string
	}{
		{"/api/v1/providers", "status", values(directory.Statuses)},
		{"/api/v1/providers", "rag", values(directory.RAGFilters)},
		{"/api/v1/providers", "category", values(provider.ServiceCategories)},
		{"/api/v1/providers", "rating", values(directory.Ratings)},
		{"/api/v1/providers", "route", values(contract.Routes)},
		{"/api/v1/providers", "sort", values(directory.Sorts)},
		{"/api/v1/contracts", "status", values(contract.FilterStatuses)},
		{"/api/v1/contracts", "category", values(provider.ServiceCategories)},
		{"/api/v1/contracts", "route", values(contract.Routes)},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range doc.operation("get", tt.path)["parameters"].([]any) {
			if p := doc.resolve(obj(p)); p["name"] == tt.param {
				for _, v := range obj(p["schema"])["enum"].([]any) {
					got = append(got, v.(string))
				}
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s ?%s: documented %v, the code takes %v", tt.path, tt.param, got, tt.want)
		}
	}
	var scopes []string
	for _, s := range apitoken.Scopes {
		scopes = append(scopes, string(s.Scope))
	}
	description := obj(doc["info"])["description"].(string)
	for _, s := range scopes {
		if !strings.Contains(description, "`"+s+"`") {
			t.Errorf("the document's description does not explain the scope %s", s)
		}
	}
}

// rebase points a schema's local references at the document, so the schema can be filed on
// its own and still resolve them.
func rebase(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" && strings.HasPrefix(s, "#") {
				out[k] = openAPIBase + s
				continue
			}
			out[k] = rebase(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rebase(e)
		}
		return out
	}
	return v
}

// apiCheck is a request the responses test makes, and the status it expects.
type apiCheck struct {
	path   string // the OpenAPI path it exercises
	url    string
	secret string
	status int
}

// TestOpenAPIResponsesMatchSchemas sends real requests for every documented operation,
// successes and failures, and validates each body against the schema the document gives
// for that status and content type, and checks the headers it says are always sent.
func TestOpenAPIResponsesMatchSchemas(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	doc := loadOpenAPI(t)
	resource, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.AssertFormat()
	if err := compiler.AddResource(openAPIBase, resource); err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*jsonschema.Schema{}
	schemaFor := func(key string, schema map[string]any) *jsonschema.Schema {
		if sch, ok := schemas[key]; ok {
			return sch
		}
		loc := "https://provider-portal.test/check/" + strings.NewReplacer("/", "_", " ", "_", "{", "", "}", "").Replace(key) + ".json"
		if err := compiler.AddResource(loc, rebase(schema)); err != nil {
			t.Fatal(err)
		}
		sch, err := compiler.Compile(loc)
		if err != nil {
			t.Fatalf("%s: the document's schema does not compile: %v", key, err)
		}
		schemas[key] = sch
		return sch
	}

	// A provider with a full record and payment details, a contract, and tokens.
	w := finSetUp(t, "Acorn Fostering Ltd")
	s := w.s
	for section, data := range map[string]string{
		"regulation": `{"ofsted_registered": "yes", "ofsted": [{"urn": "SC123456", "judgement": "good", "judgement_date": {"Day": "3", "Month": "4", "Year": "2024"}}],
			"cqc_registered": "yes", "cqc_provider_id": "1-101726253", "cqc_locations": [{"location_id": "1-000000001", "rating": "outstanding", "rating_date": {}}]}`,
		"insurance": `{"policies": [{"kind": "employers_liability", "insurer": "Mutual", "policy_number": "EL-1", "cover": "£5,000,000", "cover_pence": 500000000,
			"start": {"Day": "1", "Month": "4", "Year": "2025"}, "expiry": {"Day": "31", "Month": "3", "Year": "2027"}, "certificate_id": "x"},
			{"kind": "public_liability"}], "el_exempt": "no"}`,
		"vat":               `{"vat_registered": "yes", "vat_number": "GB980780684"}`,
		"health-and-safety": `{"lead_name": "Lee Safe", "hs_policy_review": {"Day": "1", "Month": "1", "Year": "2026"}, "safeguarding_policy_review": {}, "reportable_incidents": "2"}`,
	} {
		if _, err := s.DB.Exec(`INSERT INTO provider_sections (organisation_id, section, data, approved_data) VALUES ($1, $2, $3, $3)`, w.org, section, data); err != nil {
			t.Fatal(err)
		}
	}
	manager := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	var contractID string
	if err := s.DB.Get(&contractID, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route, framework_name,
		start_date, end_date, extension_months, total_value_pence, annual_value_pence, status, manager_id, date_signed)
		VALUES ('CYP-1', 'Placements', $1, 'childrens_homes', 'framework', 'Regional framework', '2025-04-01', '2030-03-31', 12,
			100000000, 20000000, 'active', $2, '2025-03-20') RETURNING id`, w.org, manager.ID); err != nil {
		t.Fatal(err)
	}
	var scopes []apitoken.Scope
	for _, i := range apitoken.Scopes {
		scopes = append(scopes, i.Scope)
	}
	all := apiToken(t, s, nil, "Everything", scopes...).Secret
	contractsOnly := apiToken(t, s, nil, "Contracts register", apitoken.ContractsRead).Secret
	other := s.NewOrganisation(t, "Birch Homes Ltd")

	checks := []apiCheck{
		{"/api/v1/openapi.json", "/api/v1/openapi.json", "", 200},
		{"/api/v1/providers", "/api/v1/providers", all, 200},
		{"/api/v1/providers", "/api/v1/providers?limit=1", all, 200},
		{"/api/v1/providers", "/api/v1/providers?limit=0", all, 400},
		{"/api/v1/providers", "/api/v1/providers", "", 401},
		{"/api/v1/providers", "/api/v1/providers", contractsOnly, 403},
		{"/api/v1/providers/{id}", "/api/v1/providers/" + w.org, all, 200},
		{"/api/v1/providers/{id}", "/api/v1/providers/" + other, all, 200},
		{"/api/v1/providers/{id}", "/api/v1/providers/" + noSuchID, all, 404},
		{"/api/v1/providers/{id}", "/api/v1/providers/" + w.org + "?x=1", all, 400},
		{"/api/v1/providers/{id}/compliance", "/api/v1/providers/" + w.org + "/compliance", all, 200},
		{"/api/v1/providers/{id}/compliance", "/api/v1/providers/" + noSuchID + "/compliance", all, 404},
		{"/api/v1/providers/{id}/payment-details", "/api/v1/providers/" + w.org + "/payment-details", all, 200},
		{"/api/v1/providers/{id}/payment-details", "/api/v1/providers/" + other + "/payment-details", all, 404},
		{"/api/v1/providers/{id}/payment-details", "/api/v1/providers/" + w.org + "/payment-details", contractsOnly, 403},
		{"/api/v1/contracts", "/api/v1/contracts", all, 200},
		{"/api/v1/contracts", "/api/v1/contracts?status=closed", all, 400},
		{"/api/v1/contracts/{id}", "/api/v1/contracts/" + contractID, all, 200},
		{"/api/v1/contracts/{id}", "/api/v1/contracts/" + noSuchID, all, 404},
		{"/api/v1/ocds/releases", "/api/v1/ocds/releases", contractsOnly, 200},
		{"/api/v1/ocds/releases", "/api/v1/ocds/releases?page=0", contractsOnly, 400},
		{"/api/v1/ocds/releases", "/api/v1/ocds/releases", "pp_aaaaaaaa_" + strings.Repeat("a", 52), 401},
	}
	succeeded := map[string]bool{}
	for _, c := range checks {
		resp, body := apiGet(t, s, c.secret, c.url)
		where := "GET " + c.url
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d: %s", where, resp.StatusCode, c.status, body)
			continue
		}
		op := doc.operation("get", c.path)
		documented := obj(obj(op["responses"])[resp.Status[:3]])
		if documented == nil {
			t.Errorf("%s: status %d is not documented", where, resp.StatusCode)
			continue
		}
		documented = doc.resolve(documented)
		mediaType, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if err != nil {
			t.Errorf("%s: Content-Type %q", where, resp.Header.Get("Content-Type"))
			continue
		}
		content := obj(obj(documented["content"])[mediaType])
		if content == nil {
			t.Errorf("%s: %s is not a documented content type of %d (%v)", where, mediaType, resp.StatusCode, slices.Collect(maps.Keys(obj(documented["content"]))))
			continue
		}
		for name, h := range obj(documented["headers"]) {
			if obj(h)["required"] == true && resp.Header.Get(name) == "" {
				t.Errorf("%s: no %s header, which the document says is always sent", where, name)
			}
		}
		instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Errorf("%s: the body is not JSON: %v", where, err)
			continue
		}
		if err := schemaFor(c.path+" "+resp.Status[:3]+" "+mediaType, obj(content["schema"])).Validate(instance); err != nil {
			t.Errorf("%s: the %d response does not match the document: %v\n%s", where, resp.StatusCode, err, body)
		}
		if resp.StatusCode == http.StatusOK {
			succeeded[c.path] = true
		}
	}
	for path := range obj(doc["paths"]) {
		if !succeeded[path] {
			t.Errorf("no successful response of %s was checked against the document", path)
		}
	}
	// The served document is the file.
	resp, body := apiGet(t, s, "", "/api/v1/openapi.json")
	if !bytes.Equal(body, raw) || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("the served document differs from %s (%s)", openAPIFile, resp.Header.Get("Content-Type"))
	}
}
