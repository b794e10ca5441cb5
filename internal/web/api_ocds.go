package web

import (
	"fmt"
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// ocdsPageSize is how many releases one page of OCDS release packages carries.
const ocdsPageSize = 100

// ocdsReleases is GET /api/v1/ocds/releases: the open data's pages of releases
// (openDataReleases) for a bearer token with contracts:read, never a session (routes.go).
// Both read the one publication log, so a release has the same id and date in each.
func (s *Server) ocdsReleases(c *fiber.Ctx) error {
	return s.ocdsReleasePage(c, s.cfg.BaseURL.JoinPath("/api/v1/ocds/releases").String())
}

// ocdsReleasePage answers one page of OCDS 1.1.5 release packages at self: a release per
// published contract (contract.Published), soonest ending first. ?page=N pages; Link
// headers name the next and previous pages. The schema wants at least one release in a
// package, so no package is sent without one: while nothing is published the first page
// is 204 No Content, and a page past the last is a 404 problem.
func (s *Server) ocdsReleasePage(c *fiber.Ctx, self string) error {
	ctx := c.UserContext()
	params := newAPIParams(c, "page")
	page := params.integer("page", 1, 1, 100000)
	if err := params.err(); err != nil {
		return err
	}
	svc := s.contracts
	releases, total, err := svc.PublishedReleases(ctx, s.ocdsBuyer(), ocdsPageSize, (page-1)*ocdsPageSize)
	if err != nil {
		return err
	}
	c.Set("X-Total-Count", strconv.Itoa(total))
	if len(releases) == 0 {
		switch {
		case total == 0 && page == 1:
			return c.SendStatus(fiber.StatusNoContent)
		case total == 0:
			return apperr.New(apperr.NotFound, "There is no page %d: no contracts are published yet.", page)
		}
		return apperr.New(apperr.NotFound, "There is no page %d: the last page is %d.", page, (total+ocdsPageSize-1)/ocdsPageSize)
	}
	settings, err := svc.OCDSSettings(ctx)
	if err != nil {
		return err
	}
	pageURL := func(n int) string { return fmt.Sprintf("%s?page=%d", self, n) }
	if page*ocdsPageSize < total {
		c.Append(fiber.HeaderLink, fmt.Sprintf(`<%s>; rel="next"`, pageURL(page+1)))
	}
	if page > 1 {
		c.Append(fiber.HeaderLink, fmt.Sprintf(`<%s>; rel="prev"`, pageURL(page-1)))
	}
	return c.JSON(contract.NewPackage(pageURL(page), s.ocdsBuyer(), settings, releases, s.clock()))
}
