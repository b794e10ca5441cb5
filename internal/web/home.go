package web

import (
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

type homePage struct {
	Page
	Roles         []auth.Role
	Organisations []membership.Organisation
	Areas         []NavItem
	RecentSignIns []time.Time
}

// home is each user's starting point: what they can reach with their roles, the
// organisations they act for, and their recent sign-ins so they can spot one that was not them.
func (s *Server) home(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := userOf(c)
	data := homePage{Page: s.page(c, "Home"), Roles: u.Roles()}
	var err error
	if u.Has(auth.RoleProvider) {
		if data.Organisations, err = membership.Organisations(ctx, s.db, u.ID); err != nil {
			return err
		}
	}
	for _, n := range data.Page.Nav[1:] {
		data.Areas = append(data.Areas, n)
	}
	if data.RecentSignIns, err = audit.RecentSignIns(ctx, s.db, u.ID, 5); err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "pages/home", data)
}
