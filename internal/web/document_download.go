package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// documentDownload sends a document to a member of its organisation or to an officer,
// auditing every download. Documents are never served by a static route.
func (s *Server) documentDownload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	doc, content, err := s.documents.Get(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	u := userOf(c)
	if !u.Has(auth.RoleOfficer) {
		member, err := membership.IsMember(ctx, s.db, u.ID, doc.OrganisationID)
		if err != nil {
			return err
		}
		if !member {
			return apperr.New(apperr.NotFound, "Document not found")
		}
	}
	if err := audit.Record(ctx, s.db, audit.Event{Action: "document.download", ObjectType: "document", ObjectID: doc.ID,
		Summary: map[string]any{"organisation_id": doc.OrganisationID, "filename": doc.Filename}}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, doc.ContentType)
	c.Set(fiber.HeaderContentDisposition, document.ContentDisposition(doc.Filename))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(content)
}
