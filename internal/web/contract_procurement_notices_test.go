package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestProcurementNoticesPage follows a signed Act contract from its page to its notices:
// the contract details notice is due (120 days, light touch), performance is not yet due,
// the draft downloads as an OCDS release (UK7), a bad notice id is refused with the input
// kept, a good one records the notice as published, a stale version conflicts, and a new
// variation adds its change notice.
func TestProcurementNoticesPage(t *testing.T) {
	t.Parallel()
	w := newCTWorld(t)
	base := "/contracts/" + w.contractID
	if _, err := w.s.DB.Exec(`UPDATE contracts SET date_signed = start_date - 10 WHERE id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	var signed time.Time
	if err := w.s.DB.Get(&signed, `SELECT date_signed FROM contracts WHERE id = $1`, w.contractID); err != nil {
		t.Fatal(err)
	}
	if href := ctPage(t, w.oc, base).Find("[data-notices-link]").AttrOr("href", ""); href != base+"/notices" {
		t.Fatalf("the contract's page links its notices at %q", href)
	}
	doc := ctPage(t, w.oc, base+"/notices")
	row := doc.Find(`[data-notice="contract_details"]`)
	if row.Length() != 1 || strings.TrimSpace(row.Find("[data-status]").Text()) != "Due" {
		t.Fatalf("details notice row: %q", row.Text())
	}
	if want := signed.AddDate(0, 0, 119).Format("2 January 2006"); !strings.Contains(row.Text(), want) {
		t.Errorf("light touch details notice: row %q, want due %s", row.Text(), want)
	}
	if doc.Find("[data-performance-not-yet-due]").Length() != 1 {
		t.Error("the performance notice is not said to be not yet due")
	}
	noticeID := row.AttrOr("data-notice-id", "")

	resp, err := w.oc.Client.Get(w.oc.Base + row.Find("[data-draft]").AttrOr("href", ""))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rel struct {
		Tag       []string
		Contracts []struct{ Documents []struct{ NoticeType string } }
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &rel) != nil || rel.Tag[0] != "contract" || rel.Contracts[0].Documents[0].NoticeType != "UK7" {
		t.Fatalf("draft: %d %s", resp.StatusCode, body)
	}
	if got := strings.TrimSpace(ctPage(t, w.oc, base+"/notices").Find(`[data-notice="contract_details"] [data-status]`).Text()); got != "Drafted" {
		t.Errorf("after the download the notice is %q, want Drafted", got)
	}

	publish := base + "/notices/" + noticeID + "/publish"
	formDoc := ctPage(t, w.oc, publish)
	version := ctVersion(formDoc, publish)
	today := time.Now()
	v := form(w.oc.CSRF(t, publish), "version", version, "notice_id", "12345-25")
	ctDate(v, "published_on", today)
	resp, doc = w.oc.Post(t, publish, v)
	if resp.StatusCode != http.StatusUnprocessableEntity || summaryLinks(doc)["#notice_id"] == "" || doc.Find("#notice_id").AttrOr("value", "") != "12345-25" {
		t.Fatalf("bad notice id: %d %v, input %q", resp.StatusCode, summaryLinks(doc), doc.Find("#notice_id").AttrOr("value", ""))
	}
	v.Set("notice_id", "012345-2026")
	resp, _ = w.oc.Post(t, publish, v)
	if resp.StatusCode != http.StatusSeeOther || location(t, resp).Path != base+"/notices" {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	doc = ctPage(t, w.oc, base+"/notices")
	row = doc.Find(`[data-notice="contract_details"]`)
	if strings.TrimSpace(row.Find("[data-status]").Text()) != "Published" || !strings.Contains(row.Find("[data-published-notice]").Text(), "012345-2026") {
		t.Errorf("published row: %q", row.Text())
	}
	if resp, _ = w.oc.Post(t, publish, v); resp.StatusCode != http.StatusConflict {
		t.Errorf("recording again with the version read before: %d, want 409", resp.StatusCode)
	}

	vv := form(w.oc.CSRF(t, base+"/variations/new"), "description", "Two more placements", "value_change", "25000")
	ctDate(vv, "varied_on", today.AddDate(0, 0, 14))
	if resp, doc := w.oc.Post(t, base+"/variations", vv); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("variation: %d %v", resp.StatusCode, summaryLinks(doc))
	}
	change := ctPage(t, w.oc, base+"/notices").Find(`[data-notice="contract_change"]`)
	if change.Length() != 1 || !strings.Contains(change.Text(), "Two more placements") || !strings.Contains(change.Text(), "+£25,000") {
		t.Errorf("change notice row: %q", change.Text())
	}
	var n int
	if err := w.s.DB.Get(&n, `SELECT count(*) FROM audit_events WHERE object_id = $1 AND action IN ('contract.notice.drafted','contract.notice.published')`, w.contractID); err != nil || n != 2 {
		t.Errorf("audit events for the draft and publication: %d (%v), want 2", n, err)
	}
}
