package document

import (
	"bytes"
	"context"
	"mime"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// minimalPDF is a small but real PDF document.
var minimalPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
	"trailer<</Root 1 0 R>>\n%%EOF\n")

var (
	pngHeader  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	jpegHeader = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
)

// sized returns prefix padded with zero bytes to n bytes.
func sized(prefix []byte, n int) []byte {
	b := make([]byte, n)
	copy(b, prefix)
	return b
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name    string
		content []byte
		want    string // the content type, or "" when refused
		message string // part of the refusal's message
	}{
		{"pdf", minimalPDF, "application/pdf", ""},
		{"png", pngHeader, "image/png", ""},
		{"jpeg", jpegHeader, "image/jpeg", ""},
		{"pdf of exactly 10 MB", sized([]byte("%PDF-1.7\n"), MaxSize), "application/pdf", ""},
		{"html named .pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", "must be a PDF, PNG or JPEG"},
		{"plain text", []byte("this is my certificate, honest"), "", "must be a PDF, PNG or JPEG"},
		{"pdf magic too late", []byte(" %PDF-1.4\n"), "", "must be a PDF, PNG or JPEG"},
		{"empty", nil, "", "is empty"},
		{"over 10 MB", sized([]byte("%PDF-1.4\n"), MaxSize+1), "", "smaller than 10 MB"},
		{"windows executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...), "", "must be a PDF, PNG or JPEG"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", "must be a PDF, PNG or JPEG"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", "must be a PDF, PNG or JPEG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Sniff(c.content)
			if got != c.want {
				t.Errorf("Sniff = %q, want %q (err %v)", got, c.want, err)
			}
			if c.want != "" {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("error %v, want an Invalid error with a message for the user", err)
			}
			if msg := apperr.MessageOf(err); !strings.Contains(msg, c.message) {
				t.Errorf("message %q, want it to contain %q", msg, c.message)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"certificate.pdf", "certificate.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\pat\Documents\el-cert.pdf`, "el-cert.pdf"},
		{`..\..\windows\win.ini`, "win.ini"},
		{`my "best" cert.pdf`, "my best cert.pdf"},
		{"a;b.pdf", "ab.pdf"},
		{"line\r\nbreak\x00.pdf", "linebreak.pdf"},
		{"tab\there.pdf", "tabhere.pdf"},
		{"c1\u0085control.pdf", "c1control.pdf"},
		{"invoice\u202efdp.exe", "invoicefdp.exe"},
		{"bad\xffutf8.pdf", "badutf8.pdf"},
		{"  spaced.pdf  ", "spaced.pdf"},
		{"Zertifikat für Haftpflicht.pdf", "Zertifikat für Haftpflicht.pdf"},
		{"", "document"},
		{"/", "document"},
		{".", "document"},
		{"..", "document"},
		{"dir/", "dir"},
		{"\x00\x01\x02", "document"},
		{strings.Repeat("a", 300) + ".pdf", strings.Repeat("a", 200)},
		{strings.Repeat("é", 150), strings.Repeat("é", 100)},
	}
	for _, c := range cases {
		if got := cleanName(c.in); got != c.want {
			t.Errorf("cleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	cases := []struct{ in, header string }{
		{"certificate.pdf", `attachment; filename="certificate.pdf"; filename*=UTF-8''certificate.pdf`},
		{"../../etc/passwd", `attachment; filename="passwd"; filename*=UTF-8''passwd`},
		{"für cert.pdf", `attachment; filename="f_r cert.pdf"; filename*=UTF-8''f%C3%BCr%20cert.pdf`},
		{`it's "mine".pdf`, `attachment; filename="it's mine.pdf"; filename*=UTF-8''it%27s%20mine.pdf`},
	}
	for _, c := range cases {
		got := ContentDisposition(c.in)
		if got != c.header {
			t.Errorf("ContentDisposition(%q) = %s, want %s", c.in, got, c.header)
		}
		checkDisposition(t, c.in, got)
	}
}

// checkDisposition parses the header as a browser would and checks it names the cleaned file.
func checkDisposition(t *testing.T, in, header string) {
	t.Helper()
	kind, params, err := mime.ParseMediaType(header)
	if err != nil {
		t.Fatalf("ContentDisposition(%q) = %q does not parse: %v", in, header, err)
	}
	if kind != "attachment" || params["filename"] != cleanName(in) {
		t.Errorf("ContentDisposition(%q) parses as %s %q, want attachment %q", in, kind, params["filename"], cleanName(in))
	}
}

func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{minimalPDF, pngHeader, jpegHeader, nil, []byte("<html>"), []byte("MZ\x90\x00"), []byte("%PDF")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := Sniff(b)
		if err != nil {
			if ct != "" || apperr.MessageOf(err) == "" || !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("refusal of %q: type %q, error %v", b, ct, err)
			}
			return
		}
		prefix := map[string][]byte{"application/pdf": []byte("%PDF-"), "image/png": []byte("\x89PNG\r\n\x1a\n"), "image/jpeg": []byte("\xff\xd8\xff")}[ct]
		if prefix == nil || !bytes.HasPrefix(b, prefix) || len(b) > MaxSize {
			t.Fatalf("Sniff(%q) accepted it as %q", b, ct)
		}
	})
}

func FuzzCleanName(f *testing.F) {
	for _, seed := range []string{"cert.pdf", "../../etc/passwd", `a"b;c`, "\x00\r\n", "\u202e", "\xff\xfe", "..", strings.Repeat("é", 120)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := cleanName(in)
		if out == "" || len(out) > 200 || !utf8.ValidString(out) {
			t.Fatalf("cleanName(%q) = %q: empty, too long or not UTF-8", in, out)
		}
		if strings.ContainsAny(out, "/\\\";") || out == "." || out == ".." {
			t.Fatalf("cleanName(%q) = %q holds a path or header separator", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("cleanName(%q) = %q holds control character %U", in, out, r)
			}
		}
		if again := cleanName(out); again != out {
			t.Fatalf("cleanName is not stable: %q -> %q -> %q", in, out, again)
		}
		checkDisposition(t, in, ContentDisposition(in))
	})
}

func TestPostgresStore(t *testing.T) {
	d := dbtest.New(t)
	ctx := audit.WithActor(context.Background(), audit.System)
	var orgID string
	if err := d.Get(&orgID, `INSERT INTO organisations (name) VALUES ('Acorn Fostering Ltd') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	var store Store = PostgresStore{}

	doc, err := store.Put(ctx, d, orgID, "insurance_certificate:public_liability", "../secret/PL cert.pdf", minimalPDF)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Filename != "PL cert.pdf" || doc.ContentType != "application/pdf" || doc.Size != len(minimalPDF) || doc.OrganisationID != orgID {
		t.Errorf("stored %+v", doc)
	}
	got, content, err := store.Get(ctx, d, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(content, minimalPDF) || got.ID != doc.ID || len(got.SHA256) != 32 {
		t.Errorf("read back %+v, %d bytes", got, len(content))
	}
	var audited int
	if err := d.Get(&audited, `SELECT count(*) FROM audit_events WHERE action = 'document.upload' AND object_id = $1`, doc.ID); err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d upload audit rows, want 1", audited)
	}

	// A disguised file is refused before anything is written.
	if _, err := store.Put(ctx, d, orgID, "insurance_certificate:public_liability", "cert.pdf", []byte("<html>hello</html>")); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("HTML named cert.pdf: %v, want Invalid", err)
	}
	var rows int
	if err := d.Get(&rows, `SELECT count(*) FROM documents`); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("%d documents after a refused upload, want 1", rows)
	}

	for _, id := range []string{"00000000-0000-0000-0000-000000000000", "not-a-uuid", "' OR '1'='1", ""} {
		if _, _, err := store.Get(ctx, d, id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("Get(%q): %v, want NotFound", id, err)
		}
	}
}
