package web

import (
	"github.com/gofiber/fiber/v2"
)

// importCommit imports, for real, the file a dry run checked, with the same options, as
// whoever presses the button. Pressing twice leads to the one import.
func (s *Server) importCommit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	jobs := s.importJobs
	check, err := jobs.Job(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	job, started, err := jobs.Repeat(ctx, check.ID)
	if err != nil {
		return err
	}
	if started {
		s.startImportJob(c, job.ID)
	}
	return c.Redirect("/imports/"+job.ID, fiber.StatusSeeOther)
}
