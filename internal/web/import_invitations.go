package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// importInvitations invites, by email, the key contact of every imported supplier that has
// nobody signed up and no invitation open, so they can claim their record. The banner on
// the import page says how many were invited.
func (s *Server) importInvitations(c *fiber.Ctx) error {
	n, err := s.importer.InviteKeyContacts(c.UserContext())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%d key contacts invited to claim their supplier records.", n)
	switch n {
	case 0:
		msg = "There were no key contacts to invite: every imported supplier has a member or an open invitation."
	case 1:
		msg = "1 key contact invited to claim their supplier record."
	}
	return s.redirectWithFlash(c, "/imports", msg)
}
