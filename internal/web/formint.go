package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// formInt reads a whole-number form field such as a version; anything else is 0, which
// never matches a stored version and so ends in a conflict rather than a wrong write.
func formInt(c *fiber.Ctx, name string) int {
	n, err := strconv.Atoi(c.FormValue(name))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
