package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// anonGet reads a path with no cookies and no token: anyone on the internet.
func anonGet(t *testing.T, s *webtest.Server, path string) (*http.Response, []byte) {
	t.Helper()
	noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirects.Get(s.URL + path)
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

// validJSON fails unless body is JSON that the schema accepts.
func validJSON(t *testing.T, sch *jsonschema.Schema, what string, body []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", what, err, body)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("%s does not validate against the OCDS 1.1.5 schema %s: %v\n%s", what, sch.Location, err, body)
	}
}

// Anyone may read the published contracts without signing in: the release pages, the bulk
// file, a record with its linked releases, and the documents marked public, every package
// valid against the 1.1.5 schemas; the documents not marked public are not reachable.
func TestOpenDataOCDS(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	path := "/contracts/" + w.contractID + "/documents"
	csrf := w.oc.CSRF(t, path+"/new")
	for _, d := range []struct{ title, public string }{{"Signed contract", "true"}, {"Pricing schedule", ""}} {
		fields := url.Values{"_csrf": {csrf}, "document_title": {d.title}, "document_type": {"contractSigned"}}
		if d.public != "" {
			fields.Set("public", d.public)
		}
		if resp, doc := ctMultipart(t, w.oc, path, fields, "file", "doc.pdf", ctPDF); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %v", d.title, resp.StatusCode, summaryLinks(doc))
		}
	}
	if doc := ctPage(t, w.oc, "/contracts/"+w.contractID); !strings.Contains(doc.Find("[data-documents]").Text(), "published in the open data") {
		t.Error("the contract page does not say which document is published")
	}
	var publicDoc, privateDoc string
	if err := w.s.DB.Get(&publicDoc, `SELECT document_id FROM contract_documents WHERE contract_id = $1 AND public`, w.contractID); err != nil {
		t.Fatal(err)
	}
	if err := w.s.DB.Get(&privateDoc, `SELECT document_id FROM contract_documents WHERE contract_id = $1 AND NOT public`, w.contractID); err != nil {
		t.Fatal(err)
	}
	releasePkg, recordPkg, releaseSchema := ocdsSchema(t), ocdsSchemaNamed(t, "record-package-schema.json"), ocdsSchemaNamed(t, "release-schema.json")

	resp, body := anonGet(t, w.s, "/open-data/ocds/releases")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("releases: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("RateLimit-Limit") == "" {
		t.Errorf("open data: Set-Cookie %q, RateLimit-Limit %q", resp.Header.Get("Set-Cookie"), resp.Header.Get("RateLimit-Limit"))
	}
	validJSON(t, releasePkg, "the release page", body)
	var pkg struct {
		Releases []struct {
			ID        string `json:"id"`
			OCID      string `json:"ocid"`
			Contracts []struct {
				Documents []struct {
					ID  string `json:"id"`
					URL string `json:"url"`
				} `json:"documents"`
			} `json:"contracts"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(body, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Releases) != 1 || pkg.Releases[0].OCID != "ocds-xxxxxx-"+w.contractID {
		t.Fatalf("releases %+v", pkg.Releases)
	}
	rel := pkg.Releases[0]
	docs := rel.Contracts[0].Documents
	if len(docs) != 1 || docs[0].ID != publicDoc {
		t.Fatalf("documents %+v, want only the public one %s", docs, publicDoc)
	}
	u, err := url.Parse(docs[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := anonGet(t, w.s, u.Path); resp.StatusCode != http.StatusOK || !bytes.Equal(body, ctPDF) {
		t.Errorf("the public document %s: %d", u.Path, resp.StatusCode)
	}
	if resp, _ := anonGet(t, w.s, "/open-data/ocds/documents/"+privateDoc); resp.StatusCode != http.StatusNotFound ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("the document not marked public: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := anonGet(t, w.s, "/documents/"+publicDoc); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the signed-in download route without sign-in: %d, want a redirect to sign in", resp.StatusCode)
	}

	// The API for tokens reads the same log: the same release, the same id.
	if resp, body := apiGet(t, w.s, apiToken(t, w.s, nil, "Transparency publisher", apitoken.ContractsRead).Secret, "/api/v1/ocds/releases"); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":"`+rel.ID+`"`) {
		t.Errorf("the API: %d, want release %s in %s", resp.StatusCode, rel.ID, body)
	}

	resp, body = anonGet(t, w.s, "/open-data/ocds/releases.jsonl")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/jsonl") {
		t.Fatalf("bulk: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := 0
	for sc := bufio.NewScanner(bytes.NewReader(body)); sc.Scan(); lines++ {
		validJSON(t, releaseSchema, "a line of the bulk file", sc.Bytes())
	}
	if lines != 1 {
		t.Errorf("the bulk file has %d lines, want 1", lines)
	}

	resp, body = anonGet(t, w.s, "/open-data/ocds/records/"+rel.OCID)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("record: %d %s", resp.StatusCode, body)
	}
	validJSON(t, recordPkg, "the record package", body)
	var records struct {
		Records []struct {
			Releases []struct {
				URL string `json:"url"`
			} `json:"releases"`
			CompiledRelease struct {
				Tag []string `json:"tag"`
			} `json:"compiledRelease"`
		} `json:"records"`
	}
	if err := json.Unmarshal(body, &records); err != nil {
		t.Fatal(err)
	}
	if len(records.Records) != 1 || len(records.Records[0].Releases) != 1 || records.Records[0].CompiledRelease.Tag[0] != "compiled" {
		t.Fatalf("records %+v", records.Records)
	}
	linked, err := url.Parse(records.Records[0].Releases[0].URL)
	if err != nil || linked.Fragment != rel.ID {
		t.Fatalf("linked release %q: %v", records.Records[0].Releases[0].URL, err)
	}
	resp, body = anonGet(t, w.s, linked.Path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("linked release: %d %s", resp.StatusCode, body)
	}
	validJSON(t, releasePkg, "the linked release's package", body)

	for path, want := range map[string]int{
		"/open-data/ocds/releases?page=2":                        http.StatusNotFound,
		"/open-data/ocds/releases?page=0":                        http.StatusBadRequest,
		"/open-data/ocds/records/ocds-xxxxxx-nonsense":           http.StatusNotFound,
		"/open-data/ocds/releases/" + rel.OCID + "-00000000":     http.StatusNotFound,
		"/open-data/ocds/documents/" + w.contractID:              http.StatusNotFound,
		"/open-data/ocds/records/ocds-xxxxxx-" + w.firstReturnID: http.StatusNotFound,
	} {
		if resp, body := anonGet(t, w.s, path); resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want %d as a problem", path, resp.StatusCode, body, want)
		}
	}
}

// With nothing published the open data still answers, and never with a package the schema
// refuses (it wants a release in every package): the first page is 204 No Content, a later
// one a 404 problem, and the bulk file is empty.
func TestOpenDataOCDSEmpty(t *testing.T) {
	t.Parallel()
	s := webtest.Start(t)
	resp, body := anonGet(t, s, "/open-data/ocds/releases")
	if resp.StatusCode != http.StatusNoContent || len(body) != 0 || resp.Header.Get("X-Total-Count") != "0" {
		t.Errorf("an empty first page: %d %s %q", resp.StatusCode, resp.Header.Get("X-Total-Count"), body)
	}
	resp, body = anonGet(t, s, "/open-data/ocds/releases?page=2")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(string(body), "no contracts are published yet") {
		t.Errorf("a second page of nothing: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	secret := apiToken(t, s, nil, "Transparency publisher", apitoken.ContractsRead).Secret
	if resp, body := apiGet(t, s, secret, "/api/v1/ocds/releases"); resp.StatusCode != http.StatusNoContent || len(body) != 0 {
		t.Errorf("the API's empty first page: %d %q", resp.StatusCode, body)
	}
	if resp, body := anonGet(t, s, "/open-data/ocds/releases.jsonl"); resp.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("an empty bulk file: %d %q", resp.StatusCode, body)
	}
}
