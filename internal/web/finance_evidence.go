package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// financeEvidence sends the evidence attached to a change request to a finance officer,
// auditing the download. Documents are never served by a static route.
func (s *Server) financeEvidence(c *fiber.Ctx) error {
	name, contentType, content, err := s.finance.Evidence(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Send(content)
}
