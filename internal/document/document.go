// Package document stores uploaded files (insurance certificates, policies, evidence). The
// type is taken from the file's bytes, never its name or the browser's header, and only PDF,
// PNG and JPEG up to 10 MB are kept. Files live in PostgreSQL behind the Store interface, so
// an object store can replace it without touching the callers.
package document

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// MaxSize is the largest file accepted.
const MaxSize = 10 << 20

// Document is a stored file's description.
type Document struct {
	ID             string    `db:"id"`
	OrganisationID string    `db:"organisation_id"`
	Kind           string    `db:"kind"`
	Filename       string    `db:"filename"`
	ContentType    string    `db:"content_type"`
	Size           int       `db:"size_bytes"`
	SHA256         []byte    `db:"sha256"`
	UploadedAt     time.Time `db:"uploaded_at"`
}

// Store keeps file contents. PostgresStore is the one the portal uses.
type Store interface {
	Put(ctx context.Context, q sqlx.ExtContext, orgID, kind, filename string, content []byte) (*Document, error)
	Get(ctx context.Context, q sqlx.QueryerContext, id string) (*Document, []byte, error)
	Delete(ctx context.Context, q sqlx.ExtContext, id string) (bool, error)
}

// Sniff returns the content type of b if it is one the portal accepts, with a message
// saying why not otherwise. A file named .pdf holding HTML is refused.
func Sniff(b []byte) (string, error) {
	if len(b) == 0 {
		return "", apperr.New(apperr.Invalid, "The selected file is empty")
	}
	if len(b) > MaxSize {
		return "", apperr.New(apperr.Invalid, "The selected file must be smaller than 10 MB")
	}
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg", nil
	}
	if t := http.DetectContentType(b); t == "application/pdf" || t == "image/png" || t == "image/jpeg" {
		return t, nil
	}
	return "", apperr.New(apperr.Invalid, "The selected file must be a PDF, PNG or JPEG")
}

// cleanName keeps a filename safe to show and to send in a Content-Disposition header: the
// last path element only, without quotes, semicolons, slashes, control or invisible
// formatting characters (a right-to-left override can disguise "cod.pdf" as "fdp.doc"), and
// at most 200 bytes of valid UTF-8.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == ';' || r == '/' {
			continue
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	for len(out) > 200 {
		_, size := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-size]
	}
	out = strings.TrimSpace(out)
	if out == "" || strings.Trim(out, ".") == "" {
		out = "document"
	}
	return out
}

// ContentDisposition is the header that makes a browser download a document rather than
// show it, naming the file: a plain-ASCII filename for old clients and the exact UTF-8 name
// in filename* (RFC 6266, RFC 8187) for the rest.
func ContentDisposition(filename string) string {
	name := cleanName(filename)
	var ascii, exact strings.Builder
	for _, r := range name {
		if r < 0x80 && r >= 0x20 && r != '\\' {
			ascii.WriteRune(r)
		} else {
			ascii.WriteByte('_')
		}
	}
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			exact.WriteByte(c)
		} else {
			fmt.Fprintf(&exact, "%%%02X", c)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii.String(), exact.String())
}

// PostgresStore keeps files in the documents table.
type PostgresStore struct{}

// Put checks and stores a file, auditing the upload.
func (PostgresStore) Put(ctx context.Context, q sqlx.ExtContext, orgID, kind, filename string, content []byte) (*Document, error) {
	ct, err := Sniff(content)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(content)
	var d Document
	err = sqlx.GetContext(ctx, q, &d, `INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, '')::uuid)
		RETURNING id, organisation_id, kind, filename, content_type, size_bytes, sha256, uploaded_at`,
		orgID, kind, cleanName(filename), ct, len(content), sum[:], content, audit.ActorFrom(ctx).UserID)
	if err != nil {
		return nil, fmt.Errorf("store document: %w", err)
	}
	if err := audit.Record(ctx, q, audit.Event{Action: "document.upload", ObjectType: "document", ObjectID: d.ID,
		Summary: map[string]any{"organisation_id": orgID, "kind": kind, "filename": d.Filename, "size": d.Size, "sha256": fmt.Sprintf("%x", sum)}}); err != nil {
		return nil, err
	}
	return &d, nil
}

// Get returns a file and its contents. Callers check the reader may see the organisation's
// documents before calling, and audit the download.
func (PostgresStore) Get(ctx context.Context, q sqlx.QueryerContext, id string) (*Document, []byte, error) {
	var row struct {
		Document
		Content []byte `db:"content"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT id, organisation_id, kind, filename, content_type, size_bytes, sha256, uploaded_at, content
		FROM documents WHERE id::text = $1`, id)
	if db.IsNoRows(err) {
		return nil, nil, apperr.New(apperr.NotFound, "Document not found")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("get document: %w", err)
	}
	return &row.Document, row.Content, nil
}

// Delete removes a file nothing refers to any longer, auditing it, and reports whether it
// was there. Callers decide that nothing refers to it: the documents table does not know
// which records point at its rows.
func (PostgresStore) Delete(ctx context.Context, q sqlx.ExtContext, id string) (bool, error) {
	res, err := q.ExecContext(ctx, `DELETE FROM documents WHERE id::text = $1`, id)
	if err != nil {
		return false, fmt.Errorf("delete document: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, audit.Record(ctx, q, audit.Event{Action: "document.deleted", ObjectType: "document", ObjectID: id})
}
