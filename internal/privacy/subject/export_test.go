package subject_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/privacy/subject"
)

// readZIP opens an export and returns its files by name.
func readZIP(t *testing.T, b []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the export is not a ZIP file: %v", err)
	}
	files, names := map[string][]byte{}, []string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name], names = content, append(names, f.Name)
	}
	return files, names
}

// TestSubjectExportZIP produces Pat's export and opens it: the readable summary, the data
// as JSON with every record found, and Pat's documents byte for byte; the disclosure log
// holds what went out and the SHA-256 of exactly the file written.
func TestSubjectExportZIP(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Email: "dee@council.example", Roles: []string{"dpo"}})
	r := register(t, p.DB, subject.Registration{Name: patName, Email: patEmail, IdentityMethod: "known_email", ReceivedOn: day("2026-01-05")})
	f := search(t, p, subject.Criteria{Email: patEmail, Name: patName, Phone: patPhone})
	e := &subject.Export{Request: r, Findings: f, Controller: "Test Borough Council", GeneratedAt: time.Now(),
		Notice: `<h2 class="govuk-heading-m">Your rights</h2><p>Ask us.</p><img src="https://tracker.example/pixel.png" alt="">`}
	id, err := subject.StartDisclosure(ctx, p.DB, e, dpo)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := subject.Write(ctx, p.DB, id, e, &out)
	if err != nil {
		t.Fatal(err)
	}
	files, names := readZIP(t, out.Bytes())
	wantNames := []string{"summary.html", "data.json", "documents/01-pat-certificate.pdf", "documents/02-pat_photo.png"}
	if !slices.Equal(names, wantNames) {
		t.Fatalf("the export holds %v, want %v", names, wantNames)
	}

	summary := string(files["summary.html"])
	for _, want := range []string{r.Reference, patName, "Acorn Fostering Ltd", "Birchwood Care Ltd", "••••4321", "Reset your password",
		"documents/01-pat-certificate.pdf", "Your rights", "Test Borough Council"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary.html does not show %q", want)
		}
	}
	// Self-contained: nothing loaded from anywhere, no script.
	for _, banned := range []string{"<script", "<link", "<img", "src=", "@import", "url(", "tracker.example"} {
		if strings.Contains(summary, banned) {
			t.Errorf("summary.html holds %q: it must be self-contained", banned)
		}
	}
	for _, m := range append(p.SamMarkers, patSealed, "secret-token-123") {
		if strings.Contains(summary, m) || strings.Contains(string(files["data.json"]), m) {
			t.Errorf("the export holds %q", m)
		}
	}

	var data struct {
		Controller string `json:"controller"`
		Request    struct {
			Reference string `json:"reference"`
		} `json:"request"`
		Users []struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"user_accounts"`
		Contacts  []subject.ContactRecord    `json:"provider_contacts"`
		DBS       []subject.DBSRecord        `json:"dbs_records"`
		Documents []subject.DocumentRecord   `json:"documents"`
		Emails    []subject.EmailRecord      `json:"emails_sent"`
		Events    []subject.EventRecord      `json:"audit_events"`
		Corrects  []subject.CorrectionRecord `json:"correction_requests"`
	}
	if err := json.Unmarshal(files["data.json"], &data); err != nil {
		t.Fatalf("data.json: %v", err)
	}
	if data.Controller != "Test Borough Council" || data.Request.Reference != r.Reference || len(data.Users) != 1 || data.Users[0].ID != p.PatID ||
		len(data.Contacts) != 2 || len(data.DBS) != 1 || data.DBS[0].Certificate != "••••4321" || len(data.Emails) != 2 ||
		len(data.Events) != 5 || len(data.Corrects) != 1 || data.Corrects[0].WhatIsWrong != "Pat's organisation name" {
		t.Errorf("data.json: %+v", data)
	}
	if len(data.Documents) != 2 {
		t.Fatalf("data.json lists %d documents, want 2", len(data.Documents))
	}
	for _, doc := range data.Documents {
		content, ok := files[doc.Path]
		if !ok {
			t.Errorf("data.json names %s, which the export does not hold", doc.Path)
			continue
		}
		sum := sha256.Sum256(content)
		if hex.EncodeToString(sum[:]) != doc.SHA256 || !bytes.Equal(content, p.PatDocs[doc.Filename]) {
			t.Errorf("%s (%s): the bytes in the export are not the ones uploaded", doc.Path, doc.Filename)
		}
	}

	// The disclosure log: what went out, by whom, and the SHA-256 of exactly these bytes.
	whole := sha256.Sum256(out.Bytes())
	if res.SHA256 != hex.EncodeToString(whole[:]) || res.Bytes != int64(out.Len()) {
		t.Errorf("result %+v, want the digest and size of the file written", res)
	}
	log, err := subject.Disclosures(ctx, p.DB, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].SHA256 == nil || *log[0].SHA256 != hex.EncodeToString(whole[:]) || log[0].Bytes == nil ||
		*log[0].Bytes != int64(out.Len()) || log[0].CompletedAt == nil || log[0].ByName != dpo.Name || log[0].Filename != e.Filename() {
		t.Fatalf("disclosure log: %+v", log)
	}
	if c := log[0].Categories; c["documents"] != 2 || c["dbs_records"] != 1 || c["audit_events"] != 5 || c.Total() != f.Total() {
		t.Errorf("disclosure log counts %v", c)
	}
	if log[0].Criteria.Email != patEmail || log[0].Criteria.Phone != "07700900123" {
		t.Errorf("disclosure log criteria %+v", log[0].Criteria)
	}
	var actions []string
	if err := p.DB.Select(&actions, `SELECT action FROM audit_events WHERE object_id = $1 AND action LIKE 'sar.export.%' ORDER BY id`, r.ID); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(actions, []string{"sar.export.started", "sar.export.completed"}) {
		t.Errorf("export audited as %v", actions)
	}

	// Once closed, nothing more goes out under the request.
	closed, err := subject.Close(ctx, p.DB, r.ID, subject.Closing{Outcome: "disclosed", ClosedOn: day("2026-01-20")}, r.Version, dpo)
	if err != nil {
		t.Fatal(err)
	}
	e.Request = closed
	if _, err := subject.StartDisclosure(ctx, p.DB, e, dpo); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("export for a closed request: %v, want a conflict", err)
	}
}

// TestSubjectExportRefusesAlteredDocument: a document whose bytes no longer match the
// digest taken at upload stops the export, which is audited as failed and never logged as
// complete.
func TestSubjectExportRefusesAlteredDocument(t *testing.T) {
	t.Parallel()
	p := seedPeople(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Email: "dee@council.example", Roles: []string{"dpo"}})
	r := register(t, p.DB, subject.Registration{Name: patName, IdentityMethod: "known_email", ReceivedOn: day("2026-01-05")})
	f := search(t, p, subject.Criteria{Email: patEmail})
	if _, err := p.DB.Exec(`UPDATE documents SET content = 'tampered' WHERE filename = 'pat-certificate.pdf'`); err != nil {
		t.Fatal(err)
	}
	e := &subject.Export{Request: r, Findings: f, Controller: "Test Borough Council", GeneratedAt: time.Now()}
	id, err := subject.StartDisclosure(ctx, p.DB, e, dpo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subject.Write(ctx, p.DB, id, e, io.Discard); err == nil {
		t.Fatal("the export of an altered document succeeded")
	}
	log, err := subject.Disclosures(ctx, p.DB, r.ID)
	if err != nil || len(log) != 1 || log[0].SHA256 != nil || log[0].CompletedAt != nil {
		t.Errorf("disclosure log after a failed export: %+v, %v", log, err)
	}
	var failed int
	if err := p.DB.Get(&failed, `SELECT count(*) FROM audit_events WHERE action = 'sar.export.failed' AND object_id = $1`, r.ID); err != nil || failed != 1 {
		t.Errorf("failed export audited %d times (%v)", failed, err)
	}
}
