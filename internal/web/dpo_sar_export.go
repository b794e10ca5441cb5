package web

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// sarExportTimeout bounds one export's database work: a person's records and documents
// take seconds, even with many files.
const sarExportTimeout = 10 * time.Minute

// sarExport produces the one export of everything found about the person: a ZIP with a
// readable summary, the data as JSON and the documents they uploaded. The disclosure is
// logged (what, how many of each kind, by whom) before the first byte is sent, and the
// log entry gets the ZIP's SHA-256 once the last byte is written. The search runs again
// here from the criteria the results page showed, so the export holds what is on record
// now, and only what the handler decided is about the requester, redacted as they chose:
// while any record found has no decision, the export is refused (422) rather than
// guessing, so every record is either sent or left out for a recorded reason.
func (s *Server) sarExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, found, err := s.sarSearchAgain(c, "The export was not asked for from the search results. Search again and use the button on the results page.")
	if err != nil {
		return err
	}
	decided, err := subject.Decisions(ctx, s.db, r.ID)
	if err != nil {
		return err
	}
	f, withheld, err := subject.Apply(found, decided)
	if apperr.Is(err, apperr.Invalid) && r.Open() {
		// Records nobody has decided on yet: back to the results, saying so.
		if err := db.Transact(ctx, s.db, func(tx *sqlx.Tx) error { return subject.AuditView(ctx, tx, r, found) }); err != nil {
			return err
		}
		return s.renderSARSearch(c, fiber.StatusUnprocessableEntity, r, found, nil, map[string]string{"decisions": apperr.MessageOf(err)})
	}
	if err != nil && r.Open() {
		return err
	}
	e := &subject.Export{Request: r, Findings: f, Withheld: withheld, Controller: s.cfg.Council.Name, GeneratedAt: s.clock()}
	if f == nil {
		e.Findings = found // a closed request: StartDisclosure refuses it
	}
	if nv, err := s.currentNotice(ctx, ""); err == nil {
		e.Notice = nv.Body
	} else if !apperr.Is(err, apperr.NotFound) {
		return err
	}
	u := userOf(c)
	id, err := subject.StartDisclosure(ctx, s.db, e, subject.Staff{ID: u.ID, Name: u.Name})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, e.Filename()))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	c.Set(fiber.HeaderCacheControl, "no-store")
	actor := audit.ActorFrom(ctx)
	log := s.requestLogger(c).With("export", e.Filename())
	d := s.db
	// The request's context ends when the handler returns, before the body is written, so
	// the export runs on its own, as the same actor for the audit trail.
	c.Status(fiber.StatusOK).Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(audit.WithActor(context.Background(), actor), sarExportTimeout)
		defer cancel()
		res, err := subject.Write(ctx, d, id, e, w)
		if err != nil {
			log.Error("subject access export failed", "error", err, "bytes", res.Bytes)
			return
		}
		if err := w.Flush(); err != nil {
			log.Warn("subject access export not delivered", "error", err)
			return
		}
		log.Info("subject access export written", "bytes", res.Bytes, "sha256", res.SHA256)
	})
	return nil
}
