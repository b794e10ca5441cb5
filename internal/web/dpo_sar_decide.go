package web

import (
	"fmt"
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy/subject"
	"github.com/gofiber/fiber/v2"
	"github.com/jmoiron/sqlx"
)

// sarDecide records the handler's decisions on the records a search found: each about the
// requester (with the details to redact) or left out and why. Records left without a
// choice stay undecided. The search runs again, so only records it still finds can be
// decided; a decision someone else changed meanwhile refuses the whole save (409), showing
// theirs.
func (s *Server) sarDecide(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, f, err := s.sarSearchAgain(c, "The decisions were not sent from the search results. Search again and use the results page.")
	if err != nil {
		return err
	}
	choices, err := sarChoices(c, len(f.Hits()))
	if err != nil {
		return err
	}
	u := userOf(c)
	changed, err := subject.Decide(ctx, s.db, r.ID, f, choices, subject.Staff{ID: u.ID, Name: u.Name})
	if err == nil {
		decided, err := subject.Decisions(ctx, s.db, r.ID)
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("%d %s saved.", changed, map[bool]string{true: "decision", false: "decisions"}[changed == 1])
		if n := subject.Undecided(f, decided); n > 0 {
			msg += fmt.Sprintf(" %d %s still need a decision before you can export.", n, map[bool]string{true: "record", false: "records"}[n == 1])
		}
		return s.redirectWithFlash(c, "/dpo/sar/"+r.ID+"/search?"+sarQuery(f.Criteria), msg)
	}
	status, fieldErrs := fiber.StatusUnprocessableEntity, map[string]string{}
	chosen := map[string]subject.Choice{}
	switch {
	case apperr.FieldsOf(err) != nil:
		for i, msg := range apperr.FieldsOf(err) {
			n, _ := strconv.Atoi(i)
			fieldErrs[fmt.Sprintf("hit-%d-decision", n)] = msg
		}
		for _, ch := range choices {
			chosen[ch.HitKey] = ch
		}
	case apperr.Is(err, apperr.Conflict) && r.Open():
		// Show what is stored now, theirs included, with why nothing was saved.
		status, fieldErrs["decisions"] = fiber.StatusConflict, apperr.MessageOf(err)
	default:
		return err
	}
	if err := db.Transact(ctx, s.db, func(tx *sqlx.Tx) error { return subject.AuditView(ctx, tx, r, f) }); err != nil {
		return err
	}
	return s.renderSARSearch(c, status, r, f, chosen, fieldErrs)
}

// sarChoices reads the review form: for record i, hit-i-key (which record), hit-i-version
// (the version of the decision shown), hit-i-decision and hit-i-redact (the details to
// redact). A form with more records than the search finds, or unreadable values, was not
// sent from the page.
func sarChoices(c *fiber.Ctx, hits int) ([]subject.Choice, error) {
	bad := apperr.New(apperr.Invalid, "The decisions could not be read. Search again and use the results page.")
	var out []subject.Choice
	for i := 0; ; i++ {
		name := func(field string) string { return fmt.Sprintf("hit-%d-%s", i, field) }
		key := c.Request().PostArgs().Peek(name("key"))
		if key == nil {
			break
		}
		if i >= hits {
			return nil, bad
		}
		var ch subject.Choice
		var msg string
		if ch.HitKey, msg = form.Text(string(key), "record", false, 200); msg != "" {
			return nil, bad
		}
		if ch.Decision, msg = form.Text(c.FormValue(name("decision")), "decision", false, 50); msg != "" {
			return nil, bad
		}
		if v := c.FormValue(name("version")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, bad
			}
			ch.Version = n
		}
		for _, v := range c.Request().PostArgs().PeekMulti(name("redact")) {
			field, msg := form.Text(string(v), "detail", false, 50)
			if msg != "" || len(ch.Redact) >= 20 {
				return nil, bad
			}
			ch.Redact = append(ch.Redact, field)
		}
		out = append(out, ch)
	}
	return out, nil
}
