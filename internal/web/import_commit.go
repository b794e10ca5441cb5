package web

import (
	"github.com/gofiber/fiber/v2"
)

// importCommit imports, for real, the file a dry run checked, with the same options. When
// the check was uploaded as holding verified bank details, whoever presses the button
// confirms it again, since the audit trail names them; the form comes back with a message
// if they do not. Pressing twice leads to the one import.
func (s *Server) importCommit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	jobs := s.importJobs()
	check, err := jobs.Job(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	confirmed := c.FormValue("bank_verified") == "yes"
	if check.ImportID == nil && check.Importable() && check.BankVerified && !confirmed {
		return s.renderImportJob(c, fiber.StatusUnprocessableEntity, check, map[string]string{
			"bank_verified": "Confirm that the bank details come from the finance system of record"})
	}
	job, started, err := jobs.Repeat(ctx, check.ID, confirmed)
	if err != nil {
		return err
	}
	if started {
		s.startImportJob(c, job.ID)
	}
	return c.Redirect("/imports/"+job.ID, fiber.StatusSeeOther)
}
