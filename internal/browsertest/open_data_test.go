package browsertest_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/browsertest"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/webtest"
)

// TestOfficerPublishesADocument: an officer attaches a contract document and ticks it for
// the open data; the contract page says it is published and links the contract's open
// record. The form and the page are scanned with axe.
func TestOfficerPublishesADocument(t *testing.T) {
	browser := browsertest.New(t)
	s := webtest.Start(t)
	tab := browsertest.NewTab(t, browser)
	officer := s.CreateUser(t, "olive@council.example", []auth.Role{auth.RoleOfficer}, "")
	_, ref, _ := cjApprovedProvider(t, s)
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: officer.ID, Email: officer.Email, Roles: []string{"officer"}})
	start := time.Now().AddDate(0, -2, 0)
	end := start.AddDate(2, 0, 0)
	c, err := s.Services.Contracts.CreateContract(ctx, contract.ContractForm{Reference: "CYP-2025-020", Title: "Residential placements",
		Provider: ref, ServiceCategory: "childrens_homes", Route: "block", StartDate: form.DateInputOf(&start), EndDate: form.DateInputOf(&end),
		TotalValue: "100000", AnnualValue: "50000", ManagerID: officer.ID, Status: "active", DateSigned: form.DateInputOf(&start),
		Procedure: string(contract.ProcedurePCR2015), LightTouch: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.SignIn(t, tab, s.URL, officer)
	cjOpen(t, tab, s.URL+"/contracts/"+c.ID+"/documents/new")
	browsertest.AssertAccessible(t, tab) // the document form
	browsertest.Fill(t, tab, map[string]string{"document_title": "Signed contract"})
	cjTick(t, tab, "document_type", "contractSigned")
	cjTick(t, tab, "public", "true")
	browsertest.Do(t, tab, chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
	cjPress(t, tab, "form[data-document-form] button[type=submit]", http.StatusOK, "/contracts/"+c.ID)
	if got := browsertest.Text(t, tab, "[data-documents]"); !strings.Contains(got, "published in the open data") {
		t.Errorf("the documents read %q", got)
	}
	if n := browsertest.Count(t, tab, `a[href="/open-data/ocds/records/ocds-xxxxxx-`+c.ID+`"]`); n != 1 {
		t.Errorf("%d links to the contract's open record", n)
	}
	browsertest.AssertAccessible(t, tab) // the contract page with a published document
	var public bool
	if err := s.DB.Get(&public, `SELECT public FROM contract_documents WHERE contract_id = $1`, c.ID); err != nil || !public {
		t.Errorf("the document is stored public=%v (%v)", public, err)
	}
}
