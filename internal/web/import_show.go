package web

import (
	"github.com/council/provider-portal/internal/importer"
	"github.com/gofiber/fiber/v2"
)

// importReportPageSize is how many failed rows one page of a report lists.
const importReportPageSize = 100

// importJobPage is the view model of an import's page: its progress while it runs, then
// its report.
type importJobPage struct {
	Page
	Job   importJobView
	Rows  []importFailedRow
	Pager Pager
	// Refresh is the number of seconds before a browser without JavaScript reloads the
	// page while the job runs; 0 when the user has turned that off.
	Refresh int
}

// importRefreshSeconds is how often a page without JavaScript reloads itself while its job
// runs. Users can turn it off (WCAG 2.2.1, timing adjustable): ?refresh=off.
const importRefreshSeconds = 5

// importHeading names a job for its page and the list: a check or an import of a file.
func importHeading(j *importer.Job) string {
	if j.DryRun {
		return "Check of " + j.FileName
	}
	return "Import of " + j.FileName
}

func (s *Server) renderImportJob(c *fiber.Ctx, status int, j *importer.Job, errs map[string]string) error {
	data := importJobPage{Page: s.page(c, importHeading(j)), Job: importJobView{j}, Refresh: importRefreshSeconds}
	if c.Query("refresh") == "off" {
		data.Refresh = 0
	}
	data.Page.Back = "/imports"
	data.Page.Errors = fieldErrors(nil, errs)
	if j.Report != nil && j.Report.Failed > 0 {
		data.Pager = newPager(c, importReportPageSize)
		data.Pager.Total = j.Report.Failed
		if data.Pager.Page > data.Pager.Pages() {
			return fiber.ErrNotFound
		}
		rows, err := s.importJobs.FailedRows(c.UserContext(), j.ID, data.Pager.Offset(), importReportPageSize)
		if err != nil {
			return err
		}
		data.Rows = importFailedRows(rows)
	}
	return render(c, status, "imports/show", data)
}

// importShow is an import's page. While it runs it shows a progress bar, which refreshes
// itself (script) or the page (a meta refresh, without script, unless ?refresh=off); then
// the report.
func (s *Server) importShow(c *fiber.Ctx) error {
	j, err := s.importJobs.Job(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderImportJob(c, fiber.StatusOK, j, nil)
}

// importProgress is the progress of a job as JSON, for the page's script to poll.
type importProgress struct {
	Status  importer.JobStatus `json:"status"`
	Total   int                `json:"total"`
	Done    int                `json:"done"`
	Percent int                `json:"percent"`
}

func (s *Server) importProgress(c *fiber.Ctx) error {
	j, err := s.importJobs.Job(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(importProgress{Status: j.Status, Total: j.Total, Done: j.Done, Percent: j.Percent()})
}
