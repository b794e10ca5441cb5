package subject

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql/driver"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/export"
	"github.com/jmoiron/sqlx"
	"github.com/microcosm-cc/bluemonday"
)

// The files every export holds, at the top of the ZIP.
const (
	SummaryFile   = "summary.html"
	DataFile      = "data.json"
	DocumentsPath = "documents/"
)

// Export is one export of a request's findings, ready to write.
type Export struct {
	Request *Request
	// Findings are what the export sends: the records decided to be about the requester,
	// redacted (Apply), and Withheld what was left out and redacted.
	Findings *Findings
	Withheld *Withheld
	// Controller is the council, named as the data controller.
	Controller string
	// Notice is the privacy notice in force, rendered; the summary ends with it, as it
	// says what article 15 requires beside the data (purposes, recipients, retention,
	// rights, the right to complain).
	Notice      template.HTML
	GeneratedAt time.Time
}

// Filename is the name the download is saved under.
func (e *Export) Filename() string {
	return strings.ToLower(e.Request.Reference) + "-personal-information.zip"
}

// Disclosure is one export produced for a request: what was searched for, how many
// records of each kind went out, and the SHA-256 of the ZIP file (empty when the export
// did not finish).
type Disclosure struct {
	ID          int64      `db:"id"`
	Criteria    Criteria   `db:"criteria"`
	Categories  Counts     `db:"categories"`
	Withheld    Withheld   `db:"withheld"`
	Filename    string     `db:"filename"`
	SHA256      *string    `db:"sha256"`
	Bytes       *int64     `db:"bytes"`
	ByName      string     `db:"by_name"`
	At          time.Time  `db:"at"`
	CompletedAt *time.Time `db:"completed_at"`
}

// Counts are records per category, stored as JSON.
type Counts map[string]int

// Scan reads the JSON column.
func (c *Counts) Scan(src any) error { return scanJSON(src, c) }

// Value writes the JSON column.
func (c Counts) Value() (driver.Value, error) { return json.Marshal(c) }

// Scan reads the JSON column.
func (c *Criteria) Scan(src any) error { return scanJSON(src, c) }

// Value writes the JSON column.
func (c Criteria) Value() (driver.Value, error) { return json.Marshal(c) }

func scanJSON(src any, dst any) error {
	b, ok := src.([]byte)
	if !ok {
		return fmt.Errorf("scan JSON: got %T", src)
	}
	return json.Unmarshal(b, dst)
}

// Total is the number of records disclosed.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Labels are the categories, labelled, with these counts, for pages.
func (c Counts) Labels() []Category {
	var f Findings
	out := f.Categories()
	for i := range out {
		out[i].Count = c[out[i].Key]
	}
	return out
}

// Disclosures lists what was disclosed for a request, oldest first.
func Disclosures(ctx context.Context, q sqlx.QueryerContext, requestID string) ([]Disclosure, error) {
	var out []Disclosure
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, criteria, categories, withheld, filename, sha256, bytes, by_name, at, completed_at
		FROM sar_disclosures WHERE request_id = $1 ORDER BY at, id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("disclosures: %w", err)
	}
	return out, nil
}

// StartDisclosure logs an export before any of it is written, so a disclosure is on record
// even if the download breaks off, and returns the log entry's id. A closed request can
// disclose nothing more.
func StartDisclosure(ctx context.Context, d *sqlx.DB, e *Export, by Staff) (int64, error) {
	var id int64
	err := db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		var status string
		if err := tx.GetContext(ctx, &status, `SELECT status FROM sar_requests WHERE id = $1 FOR UPDATE`, e.Request.ID); err != nil {
			if db.IsNoRows(err) {
				return apperr.New(apperr.NotFound, "Request not found")
			}
			return fmt.Errorf("lock request: %w", err)
		}
		if status != "open" {
			return apperr.New(apperr.Conflict, "Request %s is closed: nothing more can be disclosed under it.", e.Request.Reference)
		}
		counts := Counts(e.Findings.Counts())
		withheld := e.Withheld
		if withheld == nil {
			withheld = &Withheld{LeftOut: map[string]int{}, Redacted: map[string]int{}}
		}
		withheldJSON, err := json.Marshal(withheld)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO sar_disclosures (request_id, criteria, categories, withheld, filename, by_user, by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.Request.ID, e.Findings.Criteria, counts, withheldJSON, e.Filename(), by.id(), by.Name)
		if err != nil {
			return fmt.Errorf("log disclosure: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.export.started", ObjectType: "sar_request", ObjectID: e.Request.ID,
			Summary: map[string]any{"disclosure": id, "counts": counts, "filename": e.Filename(), "left_out": withheld.LeftOut,
				"redacted": withheld.Redacted}})
	})
	return id, err
}

// Result is what an export wrote.
type Result struct {
	Bytes  int64
	SHA256 string
}

// Write streams the export to w as a ZIP file and completes its disclosure log entry with
// the size and SHA-256 of exactly the bytes written. The entry is completed before Write
// returns, so it is in place by the time the reader sees the end of the file. A failure is
// audited with how far the export got.
func Write(ctx context.Context, d *sqlx.DB, disclosureID int64, e *Export, w io.Writer) (Result, error) {
	tally := export.NewTally(w)
	err := WriteZIP(ctx, d, e, tally)
	res := Result{Bytes: tally.Bytes(), SHA256: tally.SHA256()}
	if err != nil {
		if aerr := audit.Record(ctx, d, audit.Event{Action: "sar.export.failed", ObjectType: "sar_request", ObjectID: e.Request.ID,
			Summary: map[string]any{"disclosure": disclosureID, "bytes": res.Bytes, "error": err.Error()}}); aerr != nil {
			return res, fmt.Errorf("%w (and auditing it: %v)", err, aerr)
		}
		return res, err
	}
	err = db.Transact(ctx, d, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sar_disclosures SET sha256 = $2, bytes = $3, completed_at = now() WHERE id = $1`,
			disclosureID, res.SHA256, res.Bytes); err != nil {
			return fmt.Errorf("complete disclosure: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "sar.export.completed", ObjectType: "sar_request", ObjectID: e.Request.ID,
			Summary: map[string]any{"disclosure": disclosureID, "bytes": res.Bytes, "sha256": res.SHA256}})
	})
	return res, err
}

// WriteZIP writes the export as a ZIP file: summary.html (readable, self-contained: its
// style is inline and it loads nothing), data.json (the findings), and each document the
// person uploaded under documents/, read from the database one at a time so memory stays
// flat however many there are.
func WriteZIP(ctx context.Context, q sqlx.QueryerContext, e *Export, w io.Writer) error {
	for i := range e.Findings.Documents {
		doc := &e.Findings.Documents[i]
		doc.Path = fmt.Sprintf("%s%02d-%s", DocumentsPath, i+1, safeFilename(doc.Filename))
	}
	zw := zip.NewWriter(w)
	entry := func(name string, method uint16) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: e.GeneratedAt})
	}
	var summary bytes.Buffer
	if err := summaryTemplate.Execute(&summary, summaryView{Export: e, Notice: template.HTML(noticePolicy.Sanitize(string(e.Notice)))}); err != nil { // sanitised here
		return fmt.Errorf("export summary: %w", err)
	}
	out, err := entry(SummaryFile, zip.Deflate)
	if err != nil {
		return err
	}
	if _, err := out.Write(summary.Bytes()); err != nil {
		return err
	}
	if out, err = entry(DataFile, zip.Deflate); err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(exportData{Controller: e.Controller, GeneratedAt: e.GeneratedAt, Request: requestData{
		Reference: e.Request.Reference, RequesterName: e.Request.RequesterName,
		ReceivedOn: e.Request.ReceivedOn.Format(time.DateOnly), DueOn: e.Request.DueOn.Format(time.DateOnly),
	}, Withheld: e.Withheld, Findings: e.Findings}); err != nil {
		return fmt.Errorf("export data: %w", err)
	}
	for _, doc := range e.Findings.Documents {
		var row struct {
			Content []byte `db:"content"`
		}
		if err := sqlx.GetContext(ctx, q, &row, `SELECT content FROM documents WHERE id = $1`, doc.ID); err != nil {
			return fmt.Errorf("document %s: %w", doc.ID, err)
		}
		if sum := sha256.Sum256(row.Content); hex.EncodeToString(sum[:]) != doc.SHA256 {
			return fmt.Errorf("document %s: its contents do not match the SHA-256 recorded at upload", doc.ID)
		}
		// PDFs and images are compressed already: store them as they are.
		if out, err = entry(doc.Path, zip.Store); err != nil {
			return err
		}
		if _, err := out.Write(row.Content); err != nil {
			return err
		}
	}
	return zw.Close()
}

// exportData is data.json: who holds the data, the request, and the findings.
type exportData struct {
	Controller  string      `json:"controller"`
	Request     requestData `json:"request"`
	GeneratedAt time.Time   `json:"generated_at"`
	// Withheld says how many records were left out and details redacted, and why.
	Withheld *Withheld `json:"withheld,omitempty"`
	*Findings
}

type requestData struct {
	Reference     string `json:"reference"`
	RequesterName string `json:"requester_name"`
	ReceivedOn    string `json:"received_on"`
	DueOn         string `json:"due_on"`
}

// safeFilename keeps a document's name usable as a path in the ZIP on any system: letters,
// digits, dots, hyphens and underscores, no leading dot, no folders.
func safeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if len(out) > 100 {
		out = out[len(out)-100:]
	}
	if out == "" {
		out = "document"
	}
	return out
}

//go:embed summary.html.tmpl
var summarySource string

type summaryView struct {
	*Export
	Notice template.HTML
}

// summaryTemplate is the readable summary. Dates are shown in the UK's time.
var summaryTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.Format("2 January 2006") },
	"datetime": func(t any) string {
		var v time.Time
		switch x := t.(type) {
		case time.Time:
			v = x
		case *time.Time:
			if x == nil {
				return ""
			}
			v = *x
		}
		return v.In(london).Format("2 January 2006 at 3:04pm")
	},
	"join": strings.Join,
}).Parse(summarySource))

// london is the time zone the summary shows times in; UTC where the zone database is missing.
var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// noticePolicy keeps the privacy notice's text, headings, lists and links and drops
// anything else, images above all, so the summary stays self-contained.
var noticePolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "b", "i", "br", "code", "pre", "blockquote")
	p.AllowStandardURLs()
	p.AllowAttrs("href").OnElements("a")
	return p
}()
