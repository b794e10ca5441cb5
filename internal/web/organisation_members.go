package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/membership"
	"github.com/gofiber/fiber/v2"
)

// An organisation's members (/organisation/members): who they are, who has been invited,
// inviting and removing people; and switching between organisations (/organisation/switch).

type membersPage struct {
	Page
	Members     []membership.Member
	Invitations []membership.PendingInvitation
	Me          string
	Email       string // the invitation form's address, kept on error
}

func (s *Server) membersPage(c *fiber.Ctx, status int, errs []FieldError, email string) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	data := membersPage{Page: s.page(c, "Members"), Me: userOf(c).ID, Email: email}
	data.Page.Errors = errs
	if data.Members, err = membership.Members(ctx, s.db, orgID); err != nil {
		return err
	}
	if data.Invitations, err = membership.PendingInvitations(ctx, s.db, orgID); err != nil {
		return err
	}
	return render(c, status, "organisation/members", data)
}

// members lists the organisation's members and live invitations, with the invitation form.
func (s *Server) members(c *fiber.Ctx) error {
	return s.membersPage(c, fiber.StatusOK, nil, "")
}

// memberInvite emails a colleague a link to join the organisation.
func (s *Server) memberInvite(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	var f struct {
		Email string `form:"email" label:"email address"`
	}
	fields := decodeForm(c, &f)
	if len(fields) == 0 {
		err := s.memberships.InviteMember(c.UserContext(), orgID, f.Email, userOf(c))
		if fields = apperr.FieldsOf(err); fields == nil && err != nil {
			return err
		}
	}
	if len(fields) > 0 {
		return s.membersPage(c, fiber.StatusUnprocessableEntity, fieldErrors([]string{"email"}, fields), f.Email)
	}
	return s.redirectWithFlash(c, "/organisation/members", "Invitation sent to "+f.Email+". The link works for 7 days.")
}

type memberRemovePage struct {
	Page
	Member membership.Member
	Self   bool
}

// memberRemoveForm asks to confirm removing a member (or leaving), saying what it ends.
func (s *Server) memberRemoveForm(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	members, err := membership.Members(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.UserID == c.Params("id") {
			self := m.UserID == userOf(c).ID
			title := "Remove " + m.Name
			if self {
				title = "Leave the organisation"
			}
			p := s.page(c, title)
			p.Back = "/organisation/members"
			return render(c, fiber.StatusOK, "organisation/member_remove", memberRemovePage{Page: p, Member: m, Self: self})
		}
	}
	return apperr.New(apperr.NotFound, "That person is not a member of your organisation")
}

// invitationCancel withdraws an invitation no one has accepted yet.
func (s *Server) invitationCancel(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	email := c.FormValue("email")
	if err := s.memberships.CancelInvitation(c.UserContext(), orgID, email, userOf(c)); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/organisation/members", "The invitation has been cancelled. Its link no longer works.")
}

// invitationResend sends a waiting invitation again, with a new link; the old one stops working.
func (s *Server) invitationResend(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	email := c.FormValue("email")
	err = s.memberships.InviteMember(c.UserContext(), orgID, email, userOf(c))
	if fields := apperr.FieldsOf(err); fields != nil {
		return apperr.New(apperr.Invalid, "%s", fields["email"])
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/organisation/members", "Invitation sent again to "+email+". The new link works for 7 days; the old one no longer works.")
}

// memberRemove takes a person out of the organisation; a member removing themselves leaves it.
func (s *Server) memberRemove(c *fiber.Ctx) error {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return err
	}
	u := userOf(c)
	m, err := s.memberships.RemoveMember(c.UserContext(), orgID, c.Params("id"), u)
	if apperr.Is(err, apperr.Invalid) {
		return s.membersPage(c, fiber.StatusUnprocessableEntity, []FieldError{{Field: "members", Message: apperr.MessageOf(err)}}, "")
	}
	if err != nil {
		return err
	}
	if m.UserID == u.ID {
		orgName, _ := c.Locals(localOrgName).(string)
		return s.redirectWithFlash(c, "/", "You have left "+orgName+".")
	}
	return s.redirectWithFlash(c, "/organisation/members", m.Name+" has been removed.")
}

type switchPage struct {
	Page
	Organisations []membership.Organisation
	Current       string
}

// organisationSwitchForm lists the user's organisations to choose which to act for.
func (s *Server) organisationSwitchForm(c *fiber.Ctx) error {
	orgs, err := membership.Organisations(c.UserContext(), s.db, userOf(c).ID)
	if err != nil {
		return err
	}
	data := switchPage{Page: s.page(c, "Switch organisation"), Organisations: orgs}
	if sess := sessionOf(c); sess.OrganisationID != nil {
		data.Current = *sess.OrganisationID
	}
	return render(c, fiber.StatusOK, "organisation/switch", data)
}

// organisationSwitch acts for another organisation the user belongs to. Any other id is
// "not found", whether it exists or not, and changes nothing.
func (s *Server) organisationSwitch(c *fiber.Ctx) error {
	org, err := s.memberships.SwitchOrganisation(c.UserContext(), sessionOf(c), userOf(c), c.FormValue("organisation_id"))
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/", "You are now acting for "+org.Name+".")
}
