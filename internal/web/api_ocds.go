package web

import (
	"fmt"
	"strconv"

	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// ocdsPageSize is how many releases one page of the OCDS API carries.
const ocdsPageSize = 100

// ocdsReleases is GET /api/v1/ocds/releases: one page of OCDS 1.1.5 release packages, a
// release per contract agreed with a provider (drafts are left out), soonest ending first.
// ?page=N pages; Link headers name the next and previous pages. It is part of the JSON API:
// a bearer token with contracts:read, never a session (routes.go).
func (s *Server) ocdsReleases(c *fiber.Ctx) error {
	ctx := c.UserContext()
	params := newAPIParams(c, "page")
	page := params.integer("page", 1, 1, 100000)
	if err := params.err(); err != nil {
		return err
	}
	svc := s.contracts
	list, total, err := svc.List(ctx, contract.Filter{VisibleToProvider: true, Limit: ocdsPageSize, Offset: (page - 1) * ocdsPageSize})
	if err != nil {
		return err
	}
	releases, err := svc.Releases(ctx, list, s.ocdsBuyer())
	if err != nil {
		return err
	}
	settings, err := contract.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	self := s.cfg.BaseURL.JoinPath("/api/v1/ocds/releases").String()
	pageURL := func(n int) string { return fmt.Sprintf("%s?page=%d", self, n) }
	var links []string
	if page*ocdsPageSize < total {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, pageURL(page+1)))
	}
	if page > 1 {
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, pageURL(page-1)))
	}
	for _, l := range links {
		c.Append(fiber.HeaderLink, l)
	}
	c.Set("X-Total-Count", strconv.Itoa(total))
	return c.JSON(contract.NewPackage(pageURL(page), s.ocdsBuyer(), settings, releases, s.clock()))
}
