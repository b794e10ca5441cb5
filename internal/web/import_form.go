package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/importer"
	"github.com/gofiber/fiber/v2"
)

// importFormOrder is the order of the upload form's fields, for the error summary.
var importFormOrder = []string{"file", "mode", "action"}

// importRecentJobs is how many past uploads the import page lists.
const importRecentJobs = 20

// importForm is what the upload form sends besides the file.
type importForm struct {
	Mode   string // importer.AllOrNothing or importer.ValidOnly
	Action string // "check" (a dry run) or "import"
}

// importsPage is the view model of the import page.
type importsPage struct {
	Page
	Form      importForm
	Jobs      []importJobView
	Invitable int
	Columns   []importer.ColumnGuide
}

func (s *Server) renderImports(c *fiber.Ctx, status int, f importForm, errs map[string]string) error {
	ctx := c.UserContext()
	jobs, err := s.importJobs.Recent(ctx, importRecentJobs)
	if err != nil {
		return err
	}
	invitable, err := s.importer.Invitable(ctx)
	if err != nil {
		return err
	}
	data := importsPage{Page: s.page(c, "Import suppliers"), Form: f, Jobs: importJobViews(jobs), Invitable: invitable, Columns: importer.Guidance}
	data.Page.Errors = fieldErrors(importFormOrder, errs)
	return render(c, status, "imports/new", data)
}

// imports is the import page: the templates, the upload form, recent uploads and the
// invitations for imported suppliers' key contacts.
func (s *Server) imports(c *fiber.Ctx) error {
	return s.renderImports(c, fiber.StatusOK, importForm{}, nil)
}

// importCreate takes an upload, stores it as a job and starts it; the job's page shows
// its progress and then its report. A missing, oversized or unreadable file comes back to
// the form with a message, and nothing is stored.
func (s *Server) importCreate(c *fiber.Ctx) error {
	f := importForm{Mode: c.FormValue("mode"), Action: c.FormValue("action")}
	errs := map[string]string{}
	name, format, content, msg := importUpload(c)
	if msg != "" {
		errs["file"] = msg
	}
	if f.Mode != string(importer.AllOrNothing) && f.Mode != string(importer.ValidOnly) {
		errs["mode"] = "Select what to do if some rows have problems"
	}
	if f.Action != "check" && f.Action != "import" {
		errs["action"] = "Select whether to check the file only or to import it"
	}
	if len(errs) > 0 {
		return s.renderImports(c, fiber.StatusUnprocessableEntity, f, errs)
	}
	job, err := s.importJobs.Create(c.UserContext(), importer.NewJob{FileName: name, Format: format, Content: content,
		Mode: importer.Mode(f.Mode), DryRun: f.Action == "check"})
	if err != nil {
		if apperr.Is(err, apperr.Invalid) {
			errs["file"] = apperr.MessageOf(err)
			return s.renderImports(c, fiber.StatusUnprocessableEntity, f, errs)
		}
		return err
	}
	s.startImportJob(c, job.ID)
	return c.Redirect("/imports/"+job.ID, fiber.StatusSeeOther)
}
