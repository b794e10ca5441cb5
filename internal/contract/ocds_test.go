package contract_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ocdsDir holds the OCDS 1.1.5 schemas and codelists, copied into the repository.
var ocdsDir = filepath.Join("testdata", "ocds-1.1.5")

// packageSchema compiles the release package schema, with the release schema it refers to
// loaded under its own id, so nothing is fetched over the network. Formats (date-time, uri)
// are asserted, as draft 4 intends.
func packageSchema(t *testing.T) *jsonschema.Schema {
	return ocdsSchema(t, "release-package-schema.json")
}

// versionedReleaseID is the versioned release schema a record's versionedRelease refers to.
// The portal writes no versionedRelease (TestRecordPackage checks), so the schema is not
// copied and an empty schema stands in for it, only so the record package schema compiles.
const versionedReleaseID = "https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json"

// ocdsSchema compiles one of the OCDS 1.1.5 schemas: the release schema itself, or a
// package schema (release or record) with the release schema loaded under its own id.
func ocdsSchema(t *testing.T, schema string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat()
	if err := c.AddResource(versionedReleaseID, map[string]any{}); err != nil {
		t.Fatal(err)
	}
	var pkgID string
	names := []string{"release-schema.json"}
	if schema != names[0] {
		names = append(names, schema)
	}
	for _, name := range names {
		f, err := os.Open(filepath.Join(ocdsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id, _ := doc.(map[string]any)["id"].(string)
		if !strings.HasPrefix(id, "https://standard.open-contracting.org/schema/1__1__5/") {
			t.Fatalf("%s has id %q, want the 1.1.5 schema's", name, id)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
		pkgID = id
	}
	sch, err := c.Compile(pkgID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// validatePackage checks JSON against the schema, failing with every error.
func validatePackage(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the package is not JSON: %v", err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("the package does not validate against the OCDS 1.1.5 schema %s:\n%v\n%s", sch.Location, err, data)
	}
}

// codelist reads the codes of an OCDS codelist.
func codelist(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(ocdsDir, "codelists", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "Code")
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}

// ocdsWorld is a world with the things a release carries: a second provider that is a
// charity, a variation, a document and returns in every state.
func ocdsWorld(t *testing.T) (*world, *contract.Contract) {
	t.Helper()
	w := newWorld(t)
	ctx := w.officer.ctx
	if _, err := w.svc.AddVariation(ctx, w.contract.ID, contract.VariationForm{VariedOn: date(day(2025, 4, 1)), Description: "Two more placements",
		ValueChange: "-1500.25"}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AddDocument(ctx, w.contract.ID, contract.DocumentForm{Title: "Signed contract", DocumentType: "contractSigned", Public: true},
		&contract.Upload{Filename: "signed.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AddDocument(ctx, w.contract.ID, contract.DocumentForm{Title: "Minutes", DocumentType: "other"},
		&contract.Upload{Filename: "minutes.pdf", Content: pdf}); err != nil {
		t.Fatal(err)
	}
	rs := w.returns()
	p := w.org.User.ctx
	for i, v := range []string{"96", "85", "70"} { // January green, February amber, March red
		if err := w.svc.SubmitReturn(p, w.org.ID, rs[i].ID, rs[i].Version, contract.ReturnForm{Value: v, Commentary: "As reported"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.AcceptReturn(ctx, rs[i].ID, rs[i].Version+1); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.svc.SubmitReturn(p, w.org.ID, rs[3].ID, rs[3].Version, contract.ReturnForm{Value: "99"}, nil); err != nil { // April: not yet accepted
		t.Fatal(err)
	}
	charity := w.provider("Hazel Trust", "", "1123456", provider.StatusApproved)
	f := contractForm("CYP-2023-009", charity, w.officer, day(2023, 4, 1), day(2025, 3, 31))
	f.Route, f.FrameworkName, f.ExtensionOptions, f.ExtensionMonths, f.DateSigned = "grant", "", "", "", form.DateInput{}
	f.Status, f.TerminationReason = "terminated", "Funding withdrawn"
	cancelled, err := w.svc.CreateContract(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return w, cancelled
}

func TestOCDSReleasePackageIsValid(t *testing.T) {
	t.Parallel()
	w, cancelled := ocdsWorld(t)
	sch := packageSchema(t)
	ctx := context.Background()
	list, _, err := w.svc.List(ctx, contract.Filter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	buyer := contract.Buyer{Name: "Test Borough Council", AddressLines: []string{"County Hall", "Example Street", "Exampleton", "EX1 1AA"},
		Email: "commissioning@example.gov.uk"}
	if err := w.svc.SaveSettings(w.officer.ctx, contract.SettingsForm{ExpiringWithinDays: "90", ReturnDueDays: "15",
		OCIDPrefix: "ocds-b5fd17", BuyerIdentifier: "GB-LAE-EXA"}); err != nil {
		t.Fatal(err)
	}
	settings, _ := contract.LoadSettings(ctx, w.db)
	releases, err := w.svc.Releases(ctx, list, buyer)
	if err != nil {
		t.Fatal(err)
	}
	pkg := contract.NewPackage("https://portal.example.gov.uk/api/v1/ocds/releases?page=1", buyer, settings, releases, time.Now())
	data, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	validatePackage(t, sch, data)

	byOCID := map[string]contract.Release{}
	for _, r := range pkg.Releases {
		byOCID[r.OCID] = r
	}
	rel, ok := byOCID["ocds-b5fd17-"+w.contract.ID]
	if !ok {
		t.Fatalf("no release with the ocid of the contract; releases %v", pkg.Releases)
	}
	supplier := rel.Parties[1]
	oc := rel.Contracts[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"buyer id", rel.Buyer.ID, "GB-LAE-EXA"},
		{"buyer roles", strings.Join(rel.Parties[0].Roles, ","), "buyer,procuringEntity,payer"},
		{"buyer postcode", rel.Parties[0].Address.PostalCode, "EX1 1AA"},
		{"supplier id", supplier.ID, "GB-COH-01234567"},
		{"supplier scheme", supplier.Identifier.Scheme, "GB-COH"},
		{"supplier roles", strings.Join(supplier.Roles, ","), "supplier,payee"},
		{"supplier address", supplier.Address.StreetAddress + "|" + supplier.Address.PostalCode, "1 Oak Lane, Little Acre|EX1 1AA"},
		{"supplier contact", supplier.ContactPoint == nil, true},
		{"buyer contact", rel.Parties[0].ContactPoint.Email, "commissioning@example.gov.uk"},
		{"award supplier", rel.Awards[0].Suppliers[0].ID, "GB-COH-01234567"},
		{"contract id", oc.ID, "CYP-2025-001"},
		{"award id", oc.AwardID, rel.Awards[0].ID},
		{"status", oc.Status, "active"},
		{"value", string(oc.Value.Amount), "1198499.75"},
		{"award value", string(rel.Awards[0].Value.Amount), "1200000.00"},
		{"currency", oc.Value.Currency, "GBP"},
		{"period", oc.Period.StartDate + " " + oc.Period.EndDate, "2025-01-01T00:00:00Z 2026-12-31T00:00:00Z"},
		{"extension", oc.Period.MaxExtentDate, "2027-12-31T00:00:00Z"},
		{"signed", oc.DateSigned, "2024-12-22T00:00:00Z"},
		{"documents (the public one)", len(oc.Documents), 1},
		{"document link", oc.Documents[0].URL, "https://portal.example.gov.uk/open-data/ocds/documents/" + oc.Documents[0].ID},
		{"duration", oc.Period.DurationInDays, 729},
		{"amendments", len(oc.Amendments), 1},
		{"milestones", len(oc.Implementation.Milestones), 24},
		{"tags", strings.Join(rel.Tag, ","), "contract,implementation"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	var statuses []string
	for _, m := range oc.Implementation.Milestones[:6] {
		statuses = append(statuses, m.Status)
	}
	// Jan met, Feb partly, Mar not met, Apr submitted but not accepted, May overdue, June not due.
	if want := []string{"met", "partiallyMet", "notMet", "scheduled", "notMet", "scheduled"}; !slices.Equal(statuses, want) {
		t.Errorf("milestone statuses %v, want %v", statuses, want)
	}
	if m := oc.Implementation.Milestones[0]; m.DateMet == "" || m.Type != "reporting" || !strings.Contains(m.Description, "Returned 96%") {
		t.Errorf("January's milestone %+v", m)
	}
	charityRel := byOCID["ocds-b5fd17-"+cancelled.ID]
	if got := charityRel.Parties[1].ID; got != "GB-CHC-1123456" {
		t.Errorf("the charity's party id %q, want GB-CHC-1123456", got)
	}
	if got := charityRel.Contracts[0].Status; got != "cancelled" {
		t.Errorf("a contract terminated before it was signed has status %q, want cancelled", got)
	}
	if got := strings.Join(charityRel.Tag, ","); got != "contract,contractTermination" {
		t.Errorf("terminated contract's tags %q", got)
	}

	// Every code from an open codelist is one the codelist has (closed ones the schema checked).
	roles, docTypes, milestoneTypes := codelist(t, "partyRole.csv"), codelist(t, "documentType.csv"), codelist(t, "milestoneType.csv")
	for _, r := range pkg.Releases {
		for _, p := range r.Parties {
			for _, role := range p.Roles {
				if !slices.Contains(roles, role) {
					t.Errorf("party role %q is not in the partyRole codelist", role)
				}
			}
		}
		for _, c := range r.Contracts {
			for _, d := range c.Documents {
				if d.DocumentType != "" && !slices.Contains(docTypes, d.DocumentType) {
					t.Errorf("document type %q is not in the documentType codelist", d.DocumentType)
				}
			}
			if c.Implementation != nil {
				for _, m := range c.Implementation.Milestones {
					if !slices.Contains(milestoneTypes, m.Type) {
						t.Errorf("milestone type %q is not in the milestoneType codelist", m.Type)
					}
				}
			}
		}
	}
	for _, o := range contract.DocumentTypes {
		if o.Value != "other" && !slices.Contains(docTypes, o.Value) {
			t.Errorf("the document type option %q is not an OCDS documentType", o.Value)
		}
	}
}

func TestOCDSStatusesAreInTheCodelist(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	statuses := codelist(t, "contractStatus.csv")
	milestones := codelist(t, "milestoneStatus.csv")
	f := contract.ContractFormOf(w.contract)
	version := w.contract.Version
	for _, st := range []string{"draft", "active", "ended", "terminated"} {
		f.Status, f.TerminationReason = st, "Closed"
		if err := w.svc.UpdateContract(w.officer.ctx, w.contract.ID, version, f); err != nil {
			t.Fatal(err)
		}
		version++
		c, err := w.svc.Contract(context.Background(), w.contract.ID)
		if err != nil {
			t.Fatal(err)
		}
		rel, err := w.svc.Releases(context.Background(), []contract.Contract{*c}, contract.Buyer{Name: "Council"})
		if err != nil {
			t.Fatal(err)
		}
		oc := rel[0].Contracts[0]
		if !slices.Contains(statuses, oc.Status) {
			t.Errorf("%s maps to %q, not in the contractStatus codelist", st, oc.Status)
		}
		for _, m := range oc.Implementation.Milestones {
			if !slices.Contains(milestones, m.Status) {
				t.Errorf("milestone status %q is not in the codelist", m.Status)
			}
		}
		if rel[0].OCID != "ocds-xxxxxx-"+w.contract.ID || rel[0].Buyer.ID != "council" {
			t.Errorf("with default settings: ocid %q buyer %q", rel[0].OCID, rel[0].Buyer.ID)
		}
	}
}

// TestEmptyPackage shows why the portal never serves a package without releases: the
// 1.1.5 schema wants at least one, so the endpoints answer an empty page with a 404.
func TestEmptyPackage(t *testing.T) {
	now := time.Date(2025, 6, 20, 9, 0, 0, 0, time.UTC)
	pkg := contract.NewPackage("https://portal.example.gov.uk/api/v1/ocds/releases", contract.Buyer{Name: "Council"}, contract.Settings{}, nil, now)
	data, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"releases":[]`)) || pkg.PublishedDate != "2025-06-20T09:00:00Z" || pkg.Version != "1.1" {
		t.Errorf("empty package %s", data)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if packageSchema(t).Validate(doc) == nil {
		t.Error("the schema accepts a package without releases; the endpoints could serve empty pages")
	}
}

// TestSchemaCatchesMistakes shows the schema check can fail: a release package with each
// of these mistakes is refused.
func TestSchemaCatchesMistakes(t *testing.T) {
	sch := packageSchema(t)
	c := &contract.Contract{ID: "2b7c8f9e-1111-4222-8333-444455556666", Reference: "CYP-1", Title: "Placements", Stored: contract.StatusActive,
		Status: contract.StatusActive, StartDate: day(2025, 1, 1), EndDate: day(2025, 12, 31), TotalValuePence: 100, UpdatedAt: time.Now()}
	good := contract.BuildRelease(contract.ReleaseInput{Contract: c, Supplier: contract.Party{ID: "GB-COH-01234567", Name: "Acorn",
		Roles: []string{"supplier"}}, Buyer: contract.Buyer{Name: "Council"}, Settings: contract.Settings{OCIDPrefix: "ocds-xxxxxx"}})
	encode := func(r contract.Release) []byte {
		data, err := json.Marshal(contract.NewPackage("https://portal.example.gov.uk/x", contract.Buyer{Name: "Council"}, contract.Settings{},
			[]contract.Release{r}, time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	validatePackage(t, sch, encode(good))
	tests := map[string]func(r *contract.Release){
		"a status outside the codelist":  func(r *contract.Release) { r.Contracts[0].Status = "expiring" },
		"a date that is not a date-time": func(r *contract.Release) { r.Contracts[0].Period.StartDate = "1 January 2025" },
		"no award id":                    func(r *contract.Release) { r.Contracts[0].AwardID = "" },
		"an unknown tag":                 func(r *contract.Release) { r.Tag = []string{"contracted"} },
		"a currency that is not one":     func(r *contract.Release) { r.Contracts[0].Value.Currency = "POUNDS" },
	}
	for name, spoil := range tests {
		r := good
		r.Contracts = []contract.OCDSContract{good.Contracts[0]}
		p := *good.Contracts[0].Period
		v := *good.Contracts[0].Value
		r.Contracts[0].Period, r.Contracts[0].Value = &p, &v
		spoil(&r)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(encode(r)))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(doc) == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}
