package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// documentDownload sends a document to whoever its kind allows (document.MayRead): a
// member of its organisation, or staff in the kind's roles, auditing every download. A
// document someone may not read is "not found", as if it did not exist. Documents are never
// served by a static route.
func (s *Server) documentDownload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	doc, content, err := s.documents.Get(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	u := userOf(c)
	member := false
	if u.Has(auth.RoleProvider) {
		if member, err = membership.IsMember(ctx, s.db, u.ID, doc.OrganisationID); err != nil {
			return err
		}
	}
	if !document.MayRead(doc.Kind, u.RoleNames, member) {
		return apperr.New(apperr.NotFound, "Document not found")
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
