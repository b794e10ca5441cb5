package web

import (
	"github.com/council/provider-portal/internal/contract"
	"github.com/gofiber/fiber/v2"
)

// returnPage is one monitoring return: what was returned and said about it, and the form
// for whatever the reader may do next.
type returnPage struct {
	Page
	Return *contract.MonitoringReturn
	KPI    *contract.KPI
	Notes  []contract.Note
	// Revisions is the return's history, newest first: shown once a correction was made.
	Revisions []contract.Revision
	// Form is the value and commentary being made (a provider's return or an officer's record).
	Form     contract.ReturnForm
	Question string
	Answer   string
	// Base starts the page's links: "" for officers, "/provider" for the provider.
	Base       string
	ForOfficer bool
}

var returnPageOrder = append(append([]string{}, contract.ReturnFormOrder...), "question", "answer")

func (s *Server) renderReturn(c *fiber.Ctx, status int, data returnPage, errs map[string]string) error {
	notes, err := contract.Notes(c.UserContext(), s.db, data.Return.ID)
	if err != nil {
		return err
	}
	if data.Revisions, err = contract.Revisions(c.UserContext(), s.db, data.Return); err != nil {
		return err
	}
	data.Notes, data.KPI = notes, data.Return.KPI()
	data.Page = s.page(c, data.Return.KPIName+": "+data.Return.Period().Label())
	data.Page.Back = data.Base + "/kpis/" + data.Return.KPIID
	data.Page.Errors = fieldErrors(returnPageOrder, errs)
	return render(c, status, "returns/show", data)
}

// officerReturn reads a return for an officer, as of today.
func (s *Server) officerReturn(c *fiber.Ctx) (*contract.MonitoringReturn, error) {
	return contract.ReturnByID(c.UserContext(), s.db, c.Params("id"), s.contracts.Today())
}

// returnShow is an officer's view of a return: to record it, accept it or query it.
func (s *Server) returnShow(c *fiber.Ctx) error {
	r, err := s.officerReturn(c)
	if err != nil {
		return err
	}
	return s.renderReturn(c, fiber.StatusOK, returnPage{Return: r, ForOfficer: true}, nil)
}
