package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

type taskListPage struct {
	Page
	Org       *provider.Organisation
	Tasks     []provider.Task
	Completed int
	CanSubmit bool
	History   []provider.StatusChange
}

// HasComments reports whether an officer's comment is open on any section.
func (p taskListPage) HasComments() bool {
	for _, t := range p.Tasks {
		if len(t.Comments) > 0 {
			return true
		}
	}
	return false
}

// providerTaskList is the provider's home for their record: each section with its status,
// the officers' comments, and the button to submit once everything is complete.
func (s *Server) providerTaskList(c *fiber.Ctx) error {
	org, tasks, err := s.recordOfCurrentOrg(c)
	if err != nil {
		return err
	}
	history, err := provider.History(c.UserContext(), s.db, org.ID)
	if err != nil {
		return err
	}
	data := taskListPage{Page: s.page(c, "Your supplier record"), Org: org, Tasks: tasks, History: history}
	for _, t := range tasks {
		if t.Status == provider.TaskCompleted {
			data.Completed++
		}
	}
	data.CanSubmit = provider.CanSubmit(org.Status, tasks)
	return render(c, fiber.StatusOK, "provider/task_list", data)
}

// providerSubmit sends the record for review. The form carries the record's version, so a
// double click submits once: the second finds the status already moved.
func (s *Server) providerSubmit(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	version := formInt(c, "version")
	err = s.providers.Submit(c.UserContext(), orgID, version)
	if apperr.Is(err, apperr.Conflict) {
		org, oerr := provider.OrganisationByID(c.UserContext(), s.db, orgID)
		if oerr == nil && org.Status.AwaitingReview() {
			return c.Redirect("/provider/submitted", fiber.StatusSeeOther)
		}
	}
	if err != nil {
		return err
	}
	return c.Redirect("/provider/submitted", fiber.StatusSeeOther)
}

type submittedPage struct {
	Page
	Org        *provider.Organisation
	ReviewDays int
}

func (s *Server) providerSubmitted(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	org, err := provider.OrganisationByID(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	if !org.Status.AwaitingReview() {
		return c.Redirect("/provider", fiber.StatusSeeOther)
	}
	return render(c, fiber.StatusOK, "provider/submitted", submittedPage{Page: s.page(c, "Registration submitted"), Org: org,
		ReviewDays: provider.ReviewWorkingDays})
}

// recordOfCurrentOrg is the organisation the provider user is acting for and its sections
// as the task list shows them: what the task list and the whole-record check both start from.
func (s *Server) recordOfCurrentOrg(c *fiber.Ctx) (*provider.Organisation, []provider.Task, error) {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return nil, nil, err
	}
	ctx := c.UserContext()
	org, err := provider.OrganisationByID(ctx, s.db, orgID)
	if err != nil {
		return nil, nil, err
	}
	tasks, err := provider.Tasks(ctx, s.db, orgID)
	if err != nil {
		return nil, nil, err
	}
	return org, tasks, nil
}
