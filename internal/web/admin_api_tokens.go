package web

import (
	"time"

	"github.com/council/provider-portal/internal/apitoken"
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

// apiTokenRow is a token as the admin list shows it, with its state today.
type apiTokenRow struct {
	apitoken.Token
	State  string
	Usable bool
}

type apiTokensPage struct {
	Page
	Tokens []apiTokenRow
}

// apiTokensList lists every API token, revoked and expired ones included, so an
// administrator can see which systems can call the API and which could.
func (s *Server) apiTokensList(c *fiber.Ctx) error {
	tokens, err := apitoken.List(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	now := s.clock()
	rows := make([]apiTokenRow, len(tokens))
	for i, t := range tokens {
		rows[i] = apiTokenRow{Token: t, State: t.State(now), Usable: t.Usable(now)}
	}
	return render(c, fiber.StatusOK, "admin/api_tokens/list", apiTokensPage{Page: s.page(c, "API tokens"), Tokens: rows})
}

// apiTokenFormPage is the form to make a token, with what was typed when it comes back.
type apiTokenFormPage struct {
	Page
	Name     string
	Selected []string
	Expires  form.DateInput
	Scopes   []apitoken.ScopeInfo
	// Latest is the latest expiry date allowed, for the hint.
	Latest time.Time
}

func (s *Server) apiTokenForm(c *fiber.Ctx, f apiTokenFormPage) apiTokenFormPage {
	f.Page = s.page(c, "Create an API token")
	f.Page.Back = "/admin/api-tokens"
	f.Scopes = apitoken.Scopes
	f.Latest = apitoken.LatestExpiry(s.clock())
	return f
}

func (s *Server) apiTokenNewForm(c *fiber.Ctx) error {
	return render(c, fiber.StatusOK, "admin/api_tokens/new", s.apiTokenForm(c, apiTokenFormPage{}))
}

// apiTokenCreatedPage shows a new token's secret, once.
type apiTokenCreatedPage struct {
	Page
	Token  *apitoken.Token
	Secret string
}

// apiTokenCreate makes a token and shows its secret on the response to the POST itself:
// never in a redirect, the session or a flash message, so it is not stored anywhere and a
// reload does not show it again. The page is no-store, like every page.
func (s *Server) apiTokenCreate(c *fiber.Ctx) error {
	f := apiTokenFormPage{Name: c.FormValue("name"),
		Expires: form.DateInput{Day: c.FormValue("expires-day"), Month: c.FormValue("expires-month"), Year: c.FormValue("expires-year")}}
	for _, v := range c.Request().PostArgs().PeekMulti("scopes") {
		f.Selected = append(f.Selected, string(v))
	}
	n := apitoken.NewToken{Name: f.Name, Scopes: f.Selected, Expires: f.Expires}
	// apitoken checks the maker may hand on each scope (payment details need finance too).
	created, err := apitoken.Create(c.UserContext(), s.db, n, s.clock())
	if fields := apperr.FieldsOf(err); fields != nil {
		f = s.apiTokenForm(c, f)
		f.Page.Errors = fieldErrors([]string{"name", "scopes", "expires"}, fields)
		return render(c, fiber.StatusUnprocessableEntity, "admin/api_tokens/new", f)
	}
	if err != nil {
		return err
	}
	p := s.page(c, "API token created")
	return render(c, fiber.StatusOK, "admin/api_tokens/created", apiTokenCreatedPage{Page: p, Token: created.Token, Secret: created.Secret})
}

// apiTokenRevokePage asks the administrator to confirm revoking a token.
type apiTokenRevokePage struct {
	Page
	Token *apitoken.Token
}

// apiTokenRevoke revokes a token once confirmed: the list's button posts without
// confirm=yes and gets the question; the question's button posts with it.
func (s *Server) apiTokenRevoke(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := apitoken.ByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		p := s.page(c, "Revoke "+t.Name)
		p.Back = "/admin/api-tokens"
		return render(c, fiber.StatusOK, "admin/api_tokens/revoke", apiTokenRevokePage{Page: p, Token: t})
	}
	err = apitoken.Revoke(ctx, s.db, t.ID)
	if apperr.Is(err, apperr.Conflict) {
		return s.redirectWithFlash(c, "/admin/api-tokens", "That token had already been revoked.")
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/api-tokens", "Token revoked. Systems using "+t.Name+" can no longer call the API.")
}
