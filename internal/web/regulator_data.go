package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/regulator"
	"github.com/gofiber/fiber/v2"
)

// regulatorFormOrder is the order of the upload form's fields, for the error summary.
var regulatorFormOrder = []string{"source", "file"}

// regulatorRecentFiles is how many past files the page lists.
const regulatorRecentFiles = 20

// regulatorMaxUpload is the largest file the form takes (the server takes no larger body).
// Ofsted's file is well under it; the CQC's whole directory can be larger, and an operator
// imports that with "portal regulator import", which takes up to regulator.MaxFileSize.
const regulatorMaxUpload = 10 << 20

// regulatorDataPage is the view model of the regulator data page.
type regulatorDataPage struct {
	Page
	Source string
	Recent []regulator.Check
}

func (s *Server) renderRegulatorData(c *fiber.Ctx, status int, source string, errs map[string]string) error {
	recent, err := s.regulator.Recent(c.UserContext(), regulatorRecentFiles)
	if err != nil {
		return err
	}
	data := regulatorDataPage{Page: s.page(c, "Regulator data"), Source: source, Recent: recent}
	data.Page.Errors = fieldErrors(regulatorFormOrder, errs)
	return render(c, status, "regulator_data/index", data)
}

// regulatorData is the page to upload Ofsted's or the CQC's published file, with the files
// checked and applied before.
func (s *Server) regulatorData(c *fiber.Ctx) error {
	return s.renderRegulatorData(c, fiber.StatusOK, "", nil)
}

// regulatorDataCheck reads an uploaded file and keeps the check, then shows it: nothing counts
// until the officer applies it from that page. A missing, oversized or unrecognised file comes
// back to the form with a message.
func (s *Server) regulatorDataCheck(c *fiber.Ctx) error {
	errs := map[string]string{}
	sourceName := c.FormValue("source")
	source, ok := regulator.ParseSource(sourceName)
	if !ok {
		errs["source"] = "Select who published the file"
	}
	u, msg := readUpload(c, "file", regulatorMaxUpload)
	switch {
	case msg != "":
		errs["file"] = msg
	case u == nil:
		errs["file"] = "Select the file"
	}
	if len(errs) > 0 {
		return s.renderRegulatorData(c, fiber.StatusUnprocessableEntity, string(source), errs)
	}
	check, err := s.regulator.CheckFile(c.UserContext(), source, u.Name, u.Content, true)
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			errs["file"] = apperr.MessageOf(err)
			return s.renderRegulatorData(c, fiber.StatusUnprocessableEntity, string(source), errs)
		}
		return err
	}
	return c.Redirect("/regulator-data/"+check.ID, fiber.StatusSeeOther)
}
