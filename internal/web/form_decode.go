package web

import (
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// decodeForm fills dst from the request body, urlencoded or multipart; see form.Decode.
func decodeForm(c *fiber.Ctx, dst any) map[string]string {
	mf, err := c.MultipartForm()
	if err != nil {
		mf = nil // not a multipart request: the fields are in the urlencoded body
	}
	return form.Decode(func(name string) []string {
		if mf != nil {
			return mf.Value[name]
		}
		var out []string
		for _, v := range c.Request().PostArgs().PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}, dst)
}
