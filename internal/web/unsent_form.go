package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/gofiber/fiber/v2"
)

// errSignedOut answers what a timed-out session sends that cannot be kept: a form too large
// to keep, the sign-in pages' own forms, and "Stay signed in" once it is too late.
var errSignedOut = apperr.New(apperr.Unauthorized, "You were signed out because you were inactive. Sign in again to continue.")

// keepUnsentForm answers a form sent by a signed-in session that has just timed out: what was
// typed is kept for its owner (auth.KeepUnsentForm: never passwords, codes or files; sealed),
// and they are sent to sign in (straight through, when this browser is signed in as them
// again), then back to the page that showed the form, where it is
// filled in again for them to check and send (restoredForm), or, for pages that cannot do
// that, to a page listing what they typed. Nothing of the form is applied.
func (s *Server) keepUnsentForm(c *fiber.Ctx, ended auth.TimedOutSession) error {
	path := c.Path()
	switch {
	case path == "/sign-out" && sessionOf(c) == nil:
		return c.Redirect("/sign-in", fiber.StatusSeeOther) // signed out already
	case path == "/sign-out":
		return errCSRF // an old page's sign-out ends no newer session
	case path == "/session/extend" || strings.HasPrefix(path, "/sign-in"):
		return errSignedOut
	}
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	if !strings.HasPrefix(ct, fiber.MIMEApplicationForm) && !strings.HasPrefix(ct, fiber.MIMEMultipartForm) {
		return errCSRF
	}
	formPath := formPageOf(c)
	f, err := s.auth.KeepUnsentForm(c.UserContext(), ended, sentCSRF(c), c.Method(), path, formPath, sentValues(c))
	switch {
	case apperr.Is(err, apperr.Forbidden):
		return errCSRF
	case apperr.Is(err, apperr.Invalid):
		return errSignedOut
	case err != nil:
		return err
	}
	next := "/unsent-forms/" + f.ID
	if restoresInPlace(formPath) {
		sep := "?"
		if strings.Contains(formPath, "?") {
			sep = "&"
		}
		next = formPath + sep + "unsent=" + f.ID
	}
	return c.Redirect("/sign-in?next="+url.QueryEscape(next), fiber.StatusSeeOther)
}

// sentValues are a form's text fields, urlencoded or multipart; a chosen file's content
// never is one.
func sentValues(c *fiber.Ctx) map[string][]string {
	if mf, err := c.MultipartForm(); err == nil {
		return mf.Value
	}
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		out[string(k)] = append(out[string(k)], string(v))
	})
	return out
}

// formPageOf is the page that showed the form being sent: the Referer when it is one of our
// own pages (without a restore marker of its own), else the address the form was sent to.
func formPageOf(c *fiber.Ctx) string {
	ref, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || ref.Host == "" || ref.Host != string(c.Request().Host()) {
		return c.Path()
	}
	q := ref.Query()
	q.Del("unsent")
	ref.RawQuery = q.Encode()
	if p := safeNext(ref.RequestURI()); p != "/" || ref.Path == "/" {
		return p
	}
	return c.Path()
}

// restoresInPlace reports whether the page at formPath fills its form from a kept one (its
// GET handler calls restoredForm): every section of the provider record, and the requests to
// change bank details (the provider's, and finance's keying in of a letter). Other forms'
// values are listed on /unsent-forms/:id instead.
func restoresInPlace(formPath string) bool {
	p, _, _ := strings.Cut(formPath, "?")
	if rest, ok := strings.CutPrefix(p, "/provider/sections/"); ok && rest != "" && !strings.Contains(rest, "/") {
		return true
	}
	if rest, ok := strings.CutPrefix(p, "/finance/providers/"); ok && strings.Count(rest, "/") == 2 && strings.HasSuffix(rest, "/changes/new") {
		return true
	}
	return p == "/provider/bank-details/change"
}

// restoredForm returns the kept form that ?unsent= names on this page, when it is the signed-in
// person's and was typed into this page, and marks the page so the layout says to check the
// answers and send them again. The kept copy is deleted: it is back in front of them. A form
// that is not theirs, has expired or belongs to another page gives nil, and the page shows as
// usual.
func (s *Server) restoredForm(c *fiber.Ctx) (*auth.UnsentForm, error) {
	id, u := c.Query("unsent"), userOf(c)
	if id == "" || u == nil || c.Method() != fiber.MethodGet {
		return nil, nil
	}
	ctx := c.UserContext()
	f, err := s.auth.UnsentFormFor(ctx, u.ID, id)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if p, _, _ := strings.Cut(f.FormPath, "?"); p != c.Path() {
		return nil, nil
	}
	if err := s.auth.DiscardUnsentForm(ctx, u.ID, f.ID); apperr.Is(err, apperr.NotFound) {
		return nil, nil // taken meanwhile, in another tab
	} else if err != nil {
		return nil, err
	}
	c.Locals(localRestored, true)
	return f, nil
}

// unsentField is one field of a kept form, as the unsent form page lists it.
type unsentField struct {
	Label  string
	Values []string
}

type unsentFormPage struct {
	Page
	ID       string
	FormPath string
	Expires  time.Time
	Fields   []unsentField
}

// unsentForm lists what the person typed into a form that was not sent because they had been
// signed out, with a link back to that form, for forms that cannot fill themselves in again.
// It stays until they delete it or its hour ends, so they can copy from it.
func (s *Server) unsentForm(c *fiber.Ctx) error {
	f, err := s.auth.UnsentFormFor(c.UserContext(), userOf(c).ID, c.Params("id"))
	if err != nil {
		return err
	}
	data := unsentFormPage{Page: s.page(c, "Your unsent form"), ID: f.ID, FormPath: safeNext(f.FormPath), Expires: f.ExpiresAt}
	names := make([]string, 0, len(f.Values))
	for name, vs := range f.Values {
		// The record's version and the button pressed are the form's workings, not answers.
		typed := slices.ContainsFunc(vs, func(v string) bool { return v != "" })
		if typed && name != "version" && name != "action" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		data.Fields = append(data.Fields, unsentField{Label: fieldLabel(name), Values: f.Values[name]})
	}
	return render(c, fiber.StatusOK, "unsent_forms/show", data)
}

// unsentFormDiscard deletes a kept form its owner has finished with.
func (s *Server) unsentFormDiscard(c *fiber.Ctx) error {
	if err := s.auth.DiscardUnsentForm(c.UserContext(), userOf(c).ID, c.Params("id")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "What you typed has been deleted.")
}

// fieldLabel turns a field's name ("account_name", "staff-0-name") into words a person
// recognises ("Account name", "Staff 1 name").
func fieldLabel(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '-' })
	for i, p := range parts {
		if n, err := strconv.Atoi(p); err == nil && n >= 0 && n < 1000 {
			parts[i] = strconv.Itoa(n + 1) // lists number their items from 0 in the form, from 1 on the page
		}
	}
	s := strings.Join(parts, " ")
	if s == "" {
		return name
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
