package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/webtest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ocdsSchema compiles the OCDS 1.1.5 release package schema from internal/contract's test
// data, each schema under its own id, so nothing is fetched.
func ocdsSchema(t *testing.T) *jsonschema.Schema {
	return ocdsSchemaNamed(t, "release-package-schema.json")
}

// ocdsSchemaNamed compiles the release schema or a package schema that refers to it. The
// record package's versionedRelease refers to a schema not copied (the portal writes none),
// for which an empty schema stands in.
func ocdsSchemaNamed(t *testing.T, schema string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	if err := c.AddResource("https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "contract", "testdata", "ocds-1.1.5")
	var id string
	names := []string{"release-schema.json"}
	if schema != names[0] {
		names = append(names, schema)
	}
	for _, name := range names {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		id, _ = doc.(map[string]any)["id"].(string)
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile(id)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestOCDSReleasesAPI(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	if resp, doc := ctSubmit(t, w.acorn.Client, w.firstReturnID, map[string][]string{"value": {"96"}}, "", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	sch := ocdsSchema(t)
	// The API takes a token with contracts:read; the contract's own download is the officer's page.
	secret := apiToken(t, w.s, nil, "Transparency publisher", apitoken.ContractsRead).Secret
	get := func(path string) (*http.Response, []byte) {
		if strings.HasPrefix(path, "/api/") {
			return apiGet(t, w.s, secret, path)
		}
		resp, err := w.oc.Client.Get(w.oc.Base + path)
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
	for _, path := range []string{"/api/v1/ocds/releases", "/contracts/" + w.contractID + "/ocds.json"} {
		resp, body := get(path)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("GET %s is not JSON: %v", path, err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("GET %s does not validate against the OCDS 1.1.5 release package schema: %v\n%s", path, err, body)
		}
		var pkg struct {
			Releases []struct {
				OCID    string `json:"ocid"`
				Parties []struct {
					ID    string   `json:"id"`
					Roles []string `json:"roles"`
				} `json:"parties"`
				Contracts []struct {
					Status string `json:"status"`
					Value  struct {
						Amount json.Number `json:"amount"`
					} `json:"value"`
				} `json:"contracts"`
			} `json:"releases"`
		}
		if err := json.Unmarshal(body, &pkg); err != nil {
			t.Fatal(err)
		}
		if len(pkg.Releases) != 1 || pkg.Releases[0].OCID != "ocds-xxxxxx-"+w.contractID {
			t.Fatalf("GET %s: releases %+v", path, pkg.Releases)
		}
		r := pkg.Releases[0]
		if r.Parties[1].ID != "GB-COH-01234567" || r.Contracts[0].Status != "active" || r.Contracts[0].Value.Amount != "1200000.00" {
			t.Errorf("GET %s: supplier %q status %q amount %s", path, r.Parties[1].ID, r.Contracts[0].Status, r.Contracts[0].Value.Amount)
		}
	}
	if resp, _ := get("/contracts/" + w.contractID + "/ocds.json"); !strings.Contains(resp.Header.Get("Content-Disposition"), "ocds-xxxxxx-"+w.contractID+".json") {
		t.Errorf("the download is named %q", resp.Header.Get("Content-Disposition"))
	}
	if resp, body := get("/api/v1/ocds/releases?page=0"); resp.StatusCode != http.StatusBadRequest ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("page 0: %d %s", resp.StatusCode, body)
	}
	// Sessions do not reach the API, an officer's no more than a provider's.
	for who, c := range map[string]*webtest.Client{"a provider": w.acorn.Client, "an officer": w.oc} {
		if resp, body := apiRequest(t, c.Client, w.s.URL, "", "/api/v1/ocds/releases", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s reading the API with a session: %d %s", who, resp.StatusCode, body)
		}
	}
	if resp, body := apiGet(t, w.s, apiToken(t, w.s, nil, "Directory sync", apitoken.ProvidersRead).Secret, "/api/v1/ocds/releases"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a token without contracts:read: %d %s", resp.StatusCode, body)
	}
}
