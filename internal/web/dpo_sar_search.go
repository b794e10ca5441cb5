package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// sarShown is how many audit events the results page lists (the most recent); the export
// has them all, and they are decided on together.
const sarShown = 100

// sarLast is the last n of list.
func sarLast[T any](list []T, n int) []T {
	if len(list) > n {
		return list[len(list)-n:]
	}
	return list
}

// sarSearchPage shows everything found about the person, each record with the handler's
// decision on it (about the requester or left out, and which details to redact), and the
// button that exports what was decided.
type sarSearchPage struct {
	Page
	Request  *subject.Request
	Findings *subject.Findings
	Hits     []sarHit
	// Undecided counts the records with no decision yet: the export waits for none.
	Undecided       int
	DecisionOptions []provider.Option
	// Events are those shown: the most recent sarShown.
	Events []subject.EventRecord
	// Query is the search, for the links and redirects back to these results.
	Query string
}

// sarHit is one record found with its decision as stored, or as just chosen when the
// choices were refused.
type sarHit struct {
	subject.Hit
	Index    int
	Decided  *subject.Decision
	Chosen   string
	Redact   []string
	Version  int
	Error    string
	Redactor []provider.Option
}

// Name is the prefix of the record's form fields ("hit-3-").
func (h sarHit) Name(field string) string { return fmt.Sprintf("hit-%d-%s", h.Index, field) }

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

// sarSearchAgain loads the request and runs again the search whose criteria a results page
// sent with its form (deciding, exporting), so what is acted on is what is on record now.
// notFromResults says what was refused when the form did not come from a results page.
func (s *Server) sarSearchAgain(c *fiber.Ctx, notFromResults string) (*subject.Request, *subject.Findings, error) {
	ctx := c.UserContext()
	r, err := subject.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return nil, nil, err
	}
	cr, errs := searchCriteria(func(k string) string { return c.FormValue(k) })
	if len(errs) > 0 {
		return nil, nil, apperr.New(apperr.Invalid, "%s", notFromResults)
	}
	f, err := subject.Search(ctx, s.db, cr)
	if err != nil {
		return nil, nil, err
	}
	return r, f, nil
}

// sarQuery is the search's query string, to come back to the same results.
func sarQuery(cr subject.Criteria) string {
	return url.Values{"search_email": {cr.Email}, "search_name": {cr.Name}, "search_phone": {cr.Phone}}.Encode()
}

// sarSearch finds everything held about the person and shows it for review. Seeing the
// results is a view of personal data (and perhaps of DBS records), so it is audited before
// anything is shown. Criteria that cannot be searched for are refused on the request page,
// beside the search form.
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
	return s.renderSARSearch(c, fiber.StatusOK, r, f, nil, nil)
}

// renderSARSearch draws the results with the stored decisions, or with chosen (the
// handler's choices, by record) and errs when their choices were refused.
func (s *Server) renderSARSearch(c *fiber.Ctx, status int, r *subject.Request, f *subject.Findings, chosen map[string]subject.Choice, errs map[string]string) error {
	decided, err := subject.Decisions(c.UserContext(), s.db, r.ID)
	if err != nil {
		return err
	}
	data := sarSearchPage{Request: r, Findings: f, Events: sarLast(f.Events, sarShown), Query: sarQuery(f.Criteria),
		Undecided: subject.Undecided(f, decided), DecisionOptions: subject.DecisionOptions}
	for i, h := range f.Hits() {
		v := sarHit{Hit: h, Index: i}
		if d, ok := decided[h.Key]; ok {
			v.Decided, v.Chosen, v.Redact, v.Version = &d, d.Decision, d.Redacted, d.Version
		}
		if ch, ok := chosen[h.Key]; ok {
			v.Chosen, v.Redact = ch.Decision, ch.Redact
		}
		for _, fl := range h.Redactable() {
			label := "Redact the " + strings.ToLower(fl.Label[:1]) + fl.Label[1:]
			if fl.Value != "" {
				label += ": " + fl.Value
			}
			v.Redactor = append(v.Redactor, provider.Option{Value: fl.Key, Label: label})
		}
		v.Error = errs[v.Name("decision")]
		data.Hits = append(data.Hits, v)
	}
	data.Page = s.page(c, "Search results for request "+r.Reference)
	data.Page.Back = "/dpo/sar/" + r.ID
	data.Page.Errors = fieldErrors([]string{"hit"}, errs)
	return render(c, status, "dpo/sar/search", data)
}
