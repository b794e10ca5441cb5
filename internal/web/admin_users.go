package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/form"
	"github.com/gofiber/fiber/v2"
)

type usersListPage struct {
	Page
	Users []auth.User
	// Grants are roles waiting for a second administrator.
	Grants []auth.RoleGrant
	Query  string
	Role   string
	Roles  []auth.Role
	Pager  Pager
}

func (s *Server) usersList(c *fiber.Ctx) error {
	q, msg := form.Text(c.Query("q"), "the name or email", false, 200)
	role, _ := auth.ParseRole(c.Query("role"))
	if msg != "" {
		// Like the directory: the search again with the message, and no list for a search
		// that could not be read.
		p := s.page(c, "Users")
		p.Errors = []FieldError{{Field: "q", Message: msg}}
		return render(c, fiber.StatusBadRequest, "admin/users/list", usersListPage{Page: p, Role: string(role), Roles: auth.Roles, Pager: newPager(c, 25)})
	}
	pager := newPager(c, 25)
	users, total, err := auth.Users(c.UserContext(), s.db, auth.UserFilter{Query: q, Role: role, Limit: pager.Size, Offset: pager.Offset()})
	if err != nil {
		return err
	}
	pager.Total = total
	grants, err := auth.PendingGrants(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return render(c, fiber.StatusOK, "admin/users/list", usersListPage{Page: s.page(c, "Users"), Users: users, Query: q,
		Role: string(role), Roles: auth.Roles, Pager: pager, Grants: grants})
}

type userFormPage struct {
	Page
	Email, Name string
	Selected    []string
	Roles       []auth.Role
}

func (s *Server) userNewForm(c *fiber.Ctx) error {
	p := s.page(c, "Add a staff user")
	p.Back = "/admin/users"
	return render(c, fiber.StatusOK, "admin/users/new", userFormPage{Page: p, Roles: auth.StaffRoles})
}

// userCreate adds a staff user and emails them a link to choose a password. Provider users
// register themselves; administrators add council staff.
func (s *Server) userCreate(c *fiber.Ctx) error {
	form := userFormPage{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Roles: auth.StaffRoles}
	roles, selected, ok := parseRoles(c, auth.StaffRoles)
	form.Selected = selected
	fields := map[string]string{}
	if !ok {
		fields["roles"] = "Select roles from the list"
	}
	var err error
	if len(fields) == 0 {
		var u *auth.User
		u, err = s.auth.Invite(c.UserContext(), form.Email, form.Name, roles)
		if err == nil {
			return s.redirectWithFlash(c, "/admin/users/"+u.ID,
				"User added. Another administrator must approve their roles; then they will be emailed a link to choose a password.")
		}
		fields = apperr.FieldsOf(err)
		if fields == nil {
			return err
		}
	}
	form.Page = s.page(c, "Add a staff user")
	form.Page.Back = "/admin/users"
	form.Page.Errors = fieldErrors([]string{"email", "name", "roles"}, fields)
	return render(c, fiber.StatusUnprocessableEntity, "admin/users/new", form)
}

// parseRoles reads the roles checkboxes, keeping only roles in allowed.
func parseRoles(c *fiber.Ctx, allowed []auth.Role) ([]auth.Role, []string, bool) {
	var roles []auth.Role
	var names []string
	ok := true
	for _, v := range c.Request().PostArgs().PeekMulti("roles") {
		r, valid := auth.ParseRole(string(v))
		if !valid || !slices.Contains(allowed, r) {
			ok = false
			continue
		}
		roles = append(roles, r)
		names = append(names, string(r))
	}
	return roles, names, ok
}

type userShowPage struct {
	Page
	U        *auth.User
	Roles    []auth.Role
	Selected []string
	Events   []audit.HistoryEntry
	// Grant is the roles waiting for a second administrator, if any; Mine says whether the
	// viewer may not approve it (they asked for it, or it is theirs).
	Grant *auth.RoleGrant
	Mine  bool
	// Self is the viewer's own account, whose roles they cannot change.
	Self bool
}

func (s *Server) userShow(c *fiber.Ctx) error {
	return s.renderUser(c, fiber.StatusOK, nil, nil)
}

func (s *Server) renderUser(c *fiber.Ctx, status int, errs []FieldError, selected []string) error {
	ctx := c.UserContext()
	u, err := auth.UserByID(ctx, s.db, c.Params("id"))
	if err != nil {
		return err
	}
	data := userShowPage{Page: s.page(c, u.Name), U: u, Roles: auth.StaffRoles, Selected: selected}
	if u.Has(auth.RoleProvider) {
		data.Roles = []auth.Role{auth.RoleProvider}
	}
	if data.Selected == nil {
		data.Selected = u.RoleNames
	}
	data.Page.Back = "/admin/users"
	data.Page.Errors = errs
	if data.Events, err = audit.History(ctx, s.db, "user", u.ID, 20); err != nil {
		return err
	}
	me := userOf(c).ID
	data.Self = me == u.ID
	if data.Grant, err = auth.PendingGrantFor(ctx, s.db, u.ID); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	data.Mine = data.Grant != nil && (data.Grant.Requested(me) || data.Self)
	return render(c, status, "admin/users/show", data)
}

func (s *Server) userSetRoles(c *fiber.Ctx) error {
	roles, selected, ok := parseRoles(c, auth.Roles)
	version, verr := strconv.Atoi(c.FormValue("version"))
	if !ok || verr != nil {
		return apperr.New(apperr.Invalid, "The form was not filled in correctly. Go back and try again.")
	}
	grant, err := s.auth.SetRoles(c.UserContext(), c.Params("id"), roles, version)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderUser(c, fiber.StatusUnprocessableEntity, fieldErrors([]string{"roles"}, fields), selected)
	}
	if apperr.Is(err, apperr.Conflict) {
		return s.renderUser(c, fiber.StatusConflict, []FieldError{{Field: "roles", Message: apperr.MessageOf(err)}}, nil)
	}
	if apperr.Is(err, apperr.Forbidden) {
		return s.renderUser(c, fiber.StatusForbidden, []FieldError{{Field: "roles", Message: apperr.MessageOf(err)}}, nil)
	}
	if err != nil {
		return err
	}
	if grant != nil {
		return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), "The new roles wait for another administrator to approve them.")
	}
	return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), "Roles changed.")
}

func (s *Server) userDisable(c *fiber.Ctx) error {
	if err := s.auth.Disable(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), "User disabled. They have been signed out everywhere.")
}

func (s *Server) userEnable(c *fiber.Ctx) error {
	if err := s.auth.Enable(c.UserContext(), c.Params("id")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), "User enabled. They can sign in again.")
}

// userEndSessions signs a user out everywhere without disabling them.
func (s *Server) userEndSessions(c *fiber.Ctx) error {
	n, err := s.auth.EndUserSessions(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), fmt.Sprintf("Signed out of %d %s. They can sign in again.", n, plural(int(n), "session", "sessions")))
}

// userResetAuthenticator forgets a user's lost authenticator app, with a reason that is
// audited; they set up a new one at their next sign-in.
func (s *Server) userResetAuthenticator(c *fiber.Ctx) error {
	err := s.auth.ResetAuthenticator(c.UserContext(), c.Params("id"), c.FormValue("reason"))
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderUser(c, fiber.StatusUnprocessableEntity, fieldErrors([]string{"reason"}, fields), nil)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/admin/users/"+c.Params("id"), "Authenticator app reset. They will set up a new one when they next sign in.")
}
