package web

import (
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// sarShown is how many emails, and how many audit events, the results page lists (the
// most recent); the export has them all.
const sarShown = 100

// sarLast is the last n of list.
func sarLast[T any](list []T, n int) []T {
	if len(list) > n {
		return list[len(list)-n:]
	}
	return list
}

// sarSearchPage shows everything found about the person, by kind, with the button that
// exports what the same search finds.
type sarSearchPage struct {
	Page
	Request  *subject.Request
	Findings *subject.Findings
	// Emails and Events are those shown: the most recent sarShown of each.
	Emails []subject.EmailRecord
	Events []subject.EventRecord
}

// searchCriteria reads the search form (a GET form on the request page, or the hidden
// fields of the export form), normalised, with its messages keyed by the page's field names.
func searchCriteria(get func(string) string) (subject.Criteria, map[string]string) {
	cr := subject.Criteria{Email: get("search_email"), Name: get("search_name"), Phone: get("search_phone")}
	errs := map[string]string{}
	for k, v := range cr.Normalise() {
		errs["search_"+k] = v
	}
	if len(cr.Email) > 254 || len(cr.Phone) > 30 {
		errs["search_email"] = "Enter an email address in the correct format, like name@example.com"
	}
	return cr, errs
}

// sarSearch finds everything held about the person and shows it. Seeing the results is a
// view of personal data (and perhaps of DBS records), so it is audited before anything is
// shown. Criteria that cannot be searched for are refused on the request page, beside the
// search form.
func (s *Server) sarSearch(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cr, errs := searchCriteria(func(k string) string { return c.Query(k) })
	if len(errs) > 0 {
		return s.renderSARRequest(c, fiber.StatusUnprocessableEntity, sarRequestPage{searched: true, Search: subject.Criteria{
			Email: c.Query("search_email"), Name: c.Query("search_name"), Phone: c.Query("search_phone")}}, errs)
	}
	r, err := subject.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	f, err := subject.Search(ctx, s.db, cr)
	if err != nil {
		return err
	}
	if err := db.Transact(ctx, s.db, func(tx *sqlx.Tx) error { return subject.AuditView(ctx, tx, r, f) }); err != nil {
		return err
	}
	data := sarSearchPage{Request: r, Findings: f, Emails: sarLast(f.Emails, sarShown), Events: sarLast(f.Events, sarShown)}
	data.Page = s.page(c, "Search results for request "+r.Reference)
	data.Page.Back = "/dpo/sar/" + r.ID
	return render(c, fiber.StatusOK, "dpo/sar/search", data)
}
