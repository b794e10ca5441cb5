package web

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDocument describes every API route: paths, parameters, scopes, response schemas
// and problem types. It is written by hand as JSON, and openapi_test.go holds it to the
// routes in routes.go and to real responses, so it cannot drift from the code unnoticed.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiOpenAPI is GET /api/v1/openapi.json. It is public: it describes the API and holds no
// data, and a client needs it before it has a token. Unlike the pages, it may be cached.
func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(openAPIDocument)
}
