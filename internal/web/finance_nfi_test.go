package web_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/council/provider-portal/internal/finance"
)

// TestFinanceNFIOverHTTP walks finance through the NFI standing data: the export page says
// which half of the NFI's creditor data it is and lists the creditor without a creditor
// number; finance records the number on the supplier's page (refused with a message for
// bad characters and for another supplier's number, the typed value kept); the file then
// holds the creditor under it, and the download is in the disclosure log.
func TestFinanceNFIOverHTTP(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	other := w.s.NewOrganisation(t, "Other Care Ltd")
	if err := w.s.Finance.SetCreditor(finActor(w.finn), other, finance.CreditorInput{Number: "C-9"}); err != nil {
		t.Fatal(err)
	}
	c := w.s.SignIn(t, w.fay, 0)
	var ref string
	if err := w.s.DB.Get(&ref, `SELECT supplier_ref FROM organisations WHERE id = $1`, w.org); err != nil {
		t.Fatal(err)
	}

	_, doc := c.Get(t, "/finance/exports")
	if !strings.Contains(doc.Find("[data-nfi-half]").Text(), "payment history comes from the finance system") {
		t.Errorf("the page does not say the file is the standing-data half: %q", doc.Find("[data-nfi-half]").Text())
	}
	text := func(doc *goquery.Document, sel string) string {
		return strings.TrimSpace(doc.Find(sel).First().Contents().First().Text())
	}
	if text(doc, "[data-nfi-current]") != "1" || text(doc, "[data-nfi-without-number]") != "1" || text(doc, "[data-nfi-included]") != "0" ||
		text(doc, "[data-nfi-dormant]") != "0" {
		t.Errorf("counts: current %q, without number %q, included %q, dormant %q", text(doc, "[data-nfi-current]"),
			text(doc, "[data-nfi-without-number]"), text(doc, "[data-nfi-included]"), text(doc, "[data-nfi-dormant]"))
	}
	link, _ := doc.Find(`[data-nfi-unnumbered-row="` + ref + `"] a`).Attr("href")
	if link != "/finance/providers/"+w.org+"#creditor" {
		t.Errorf("the unnumbered supplier links to %q", link)
	}

	page := "/finance/providers/" + w.org
	_, doc = c.Get(t, page)
	if doc.Find("[data-no-creditor-number]").Length() != 1 {
		t.Error("the supplier's page does not say it has no creditor number")
	}
	for _, bad := range []struct{ number, message string }{
		{"C 1", finance.MsgCreditorNumberFormat},
		{"c-9", finance.MsgCreditorNumberTaken},
	} {
		resp, doc := c.Submit(t, page, page+"/creditor", url.Values{"creditor_number": {bad.number}, "version": {"0"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Join(finSummary(doc), "") != "#creditor_number: "+bad.message {
			t.Errorf("%q: %d %v", bad.number, resp.StatusCode, finSummary(doc))
		}
		if v, _ := doc.Find("#creditor_number").Attr("value"); v != bad.number {
			t.Errorf("%q not kept: %q", bad.number, v)
		}
	}
	resp, _ := c.Submit(t, page, page+"/creditor", url.Values{"creditor_number": {"c-1"}, "site_id": {"01"}, "version": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	_, doc = c.Get(t, page)
	if v, _ := doc.Find("#creditor_number").Attr("value"); v != "C-1" || doc.Find("[data-no-creditor-number]").Length() != 0 {
		t.Errorf("after saving the page shows %q", v)
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM audit_events WHERE action = 'finance.creditor_number.set' AND actor_id = $1 AND object_id = $2`,
		w.fay.ID, w.org); n != 1 {
		t.Errorf("%d audit events for the number", n)
	}

	if resp := finStepUp(t, c, w.fay, 1, "/finance/exports"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("step-up: %d", resp.StatusCode)
	}
	_, doc = c.Get(t, "/finance/exports")
	if text(doc, "[data-nfi-included]") != "1" || text(doc, "[data-nfi-without-number]") != "0" {
		t.Errorf("after the number: included %q", text(doc, "[data-nfi-included]"))
	}
	post, err := c.Client.PostForm(c.Base+"/finance/exports/nfi", url.Values{"nfi_format": {"pipe"}, "_csrf": {c.CSRF(t, "/finance/exports")}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(post.Body)
	post.Body.Close()
	if post.StatusCode != http.StatusOK || post.Header.Get("Content-Type") != "text/plain; charset=us-ascii" ||
		!strings.Contains(post.Header.Get("Content-Disposition"), `filename="nfi-trade-creditors-standing-`) {
		t.Fatalf("download: %d %s %s\n%s", post.StatusCode, post.Header.Get("Content-Type"), post.Header.Get("Content-Disposition"), body)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.Comma = '|'
	records, err := r.ReadAll()
	if err != nil || len(records) != 2 || len(records[0]) != len(finance.NFIStandingFields) {
		t.Fatalf("file: %v, %d records\n%s", err, len(records), body)
	}
	if got := records[1][:4]; strings.Join(got, "|") != "C-1|01|Acorn Fostering Ltd|1 Oak Lane" {
		t.Errorf("row = %q", records[1])
	}
	if !bytes.HasPrefix(bytes.SplitN(body, []byte("\r\n"), 3)[1], []byte(`"C-1"|"01"|"Acorn Fostering Ltd"|`)) {
		t.Errorf("text not quoted: %s", body)
	}
	if n := finCount(t, w.s, `SELECT count(*) FROM disclosures WHERE recipient_kind = 'nfi' AND recorded_by = $1 AND what LIKE '%1 records%'`, w.fay.ID); n != 1 {
		t.Errorf("%d NFI disclosures logged", n)
	}
	resp, doc = c.Submit(t, "/finance/exports", "/finance/exports/nfi", url.Values{"nfi_format": {"xlsx"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || len(finSummary(doc)) != 1 {
		t.Errorf("an unknown format: %d %v", resp.StatusCode, finSummary(doc))
	}
}

// TestFinanceSettingsDormancy: the dormancy period is on finance's settings page, checked
// like the others.
func TestFinanceSettingsDormancy(t *testing.T) {
	t.Parallel()
	w := finSetUp(t, "Acorn Fostering Ltd")
	c := w.s.SignIn(t, w.fay, 0)
	_, doc := c.Get(t, "/finance/settings")
	if v, _ := doc.Find("#dormant_months").Attr("value"); v != "18" {
		t.Errorf("default shown as %q", v)
	}
	version, _ := doc.Find(`input[name="version"]`).Attr("value")
	form := url.Values{"first_payment_hold_days": {"5"}, "change_expiry_days": {"30"}, "dormant_months": {"99"}, "version": {version}}
	resp, doc := c.Submit(t, "/finance/settings", "/finance/settings", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Join(finSummary(doc), "") != "#dormant_months: Enter a number of months from 3 to 60" {
		t.Errorf("99 months: %d %v", resp.StatusCode, finSummary(doc))
	}
	form.Set("dormant_months", "24")
	if resp, _ := c.Submit(t, "/finance/settings", "/finance/settings", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	_, doc = c.Get(t, "/finance/exports")
	if !strings.Contains(doc.Find("[data-nfi-dormant]").Text(), "in the last 24 months") {
		t.Errorf("the export page says %q", doc.Find("[data-nfi-dormant]").Text())
	}
}
