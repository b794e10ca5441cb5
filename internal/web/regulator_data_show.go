package web

import (
	"github.com/council/provider-portal/internal/regulator"
	"github.com/gofiber/fiber/v2"
)

// regulatorCheckPage is the view model of one checked file: the dry run, or once applied,
// what it changed.
type regulatorCheckPage struct {
	Page
	Check *regulator.Check
}

// regulatorDataShow shows a checked file: the providers it matched, what changed since the
// last file, the ratings that fell, where providers' own ratings disagree, and how many rows
// matched no provider; with the button to apply it until it is applied.
func (s *Server) regulatorDataShow(c *fiber.Ctx) error {
	check, err := s.regulator.Import(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	p := s.page(c, check.Source.Name()+" file: "+check.FileName)
	p.Back = "/regulator-data"
	return render(c, fiber.StatusOK, "regulator_data/show", regulatorCheckPage{Page: p, Check: check})
}

// regulatorDataApply applies a checked file: judgements recorded, contract managers of
// providers whose rating fell emailed, compliance recomputed.
func (s *Server) regulatorDataApply(c *fiber.Ctx) error {
	check, err := s.regulator.Apply(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	msg := "File applied: " + plural(len(check.Changes()), "judgement", "judgements") + " recorded"
	if n := len(check.Falls()); n > 0 {
		msg += ", " + plural(n, "rating fell", "ratings fell") + " and the contract managers have been emailed"
	}
	return s.redirectWithFlash(c, "/regulator-data/"+check.ID, msg)
}
