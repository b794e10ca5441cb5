package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/membership"
	"github.com/council/provider-portal/internal/ukid"
	"github.com/gofiber/fiber/v2"
)

// templateFuncs are the few helpers templates need; formatting lives here so every page
// shows dates and roles the same way.
var templateFuncs = template.FuncMap{
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return longDate(v)
		case *time.Time:
			if v == nil {
				return ""
			}
			return longDate(*v)
		}
		return ""
	},
	"datetime": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.Local().Format("2 January 2006 at 3:04pm")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.Local().Format("2 January 2006 at 3:04pm")
		}
		return ""
	},
	"roleLabel": func(r any) string {
		switch v := r.(type) {
		case auth.Role:
			return v.Label()
		case string:
			return auth.Role(v).Label()
		}
		return fmt.Sprint(r)
	},
	"join":         strings.Join,
	"ragTag":       ragTag,
	"ragCell":      ragCell,
	"statusTag":    statusTag,
	"directoryRow": directoryRow,
	"options":      selectOptions,
	"field":        field,
	"actionsTable": actionsTable,
	"choice":       choice,
	"dateField":    dateField,
	"prefixed":     prefixed,
	"pounds":       func(p form.Pounds) string { return string(p) },
	"rolesField":   rolesFieldOf,
	"add":          func(a, b int) int { return a + b },
	// phone groups a stored UK telephone number as people write it.
	"phone": ukid.FormatPhone,
	// sortCode shows six digits the way a bank statement prints them: 30-94-30.
	"sortCode": func(s string) string {
		if len(s) != 6 {
			return s
		}
		return s[:2] + "-" + s[2:4] + "-" + s[4:]
	},
	// sendsForm is replaced for each render by whether the page's content holds a form that
	// sends data (views.go); the layout then says how long the person has to send it.
	"sendsForm": func() bool { return false },
	"has": func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	},
}

// page builds the layout's view model for the current request.
func (s *Server) page(c *fiber.Ctx, title string) Page {
	p := Page{
		Title:        title,
		CouncilName:  s.cfg.Council.Name,
		CouncilEmail: s.cfg.Council.Email,
	}
	if sess := sessionOf(c); sess != nil {
		p.CSRF = sess.CSRFToken
		if sess.Stage == auth.StageFull {
			p.User = userOf(c)
		}
		if f, _ := c.Locals(localFlash).(string); f != "" {
			p.Flash = f
		}
		if p.User != nil {
			now := s.clock()
			p.Timeout = &SessionTimeout{Idle: durationWords(s.cfg.SessionIdle),
				SecondsLeft: max(0, int(s.timeouts().EndsAt(sess, now).Sub(now).Seconds())),
				WarnSeconds: int(s.cfg.SessionWarning.Seconds())}
		}
		p.Restored, _ = c.Locals(localRestored).(bool)
	}
	if p.User != nil {
		p.Nav = s.nav(c, p.User)
		p.Organisation, _ = c.Locals(localOrgName).(string)
	}
	return p
}

// durationWords says a timeout as people say it: "30 minutes", "1 hour", "1 hour 30 minutes".
func durationWords(d time.Duration) string {
	h, m := int(d.Hours()), int(d.Minutes())%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", h, plural(h, "hour", "hours")))
	}
	if m > 0 || h == 0 {
		parts = append(parts, fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes")))
	}
	return strings.Join(parts, " ")
}

// nav lists the areas the user's roles reach.
func (s *Server) nav(c *fiber.Ctx, u *auth.User) []NavItem {
	items := []NavItem{{Text: "Home", Href: "/"}}
	if u.IsStaff() {
		items = append(items, s.workNav(c, u))
	}
	if u.Has(auth.RoleProvider) {
		items = append(items, NavItem{Text: "Your supplier record", Href: "/provider"})
		items = append(items, NavItem{Text: "Members", Href: "/organisation/members"})
		if orgs, err := membership.Organisations(c.UserContext(), s.db, u.ID); err == nil && len(orgs) > 1 {
			items = append(items, NavItem{Text: "Switch organisation", Href: "/organisation/switch"})
		}
	}
	if u.Has(auth.RoleOfficer) {
		items = append(items, NavItem{Text: "Review queue", Href: "/review"})
		items = append(items, NavItem{Text: "Contracts", Href: "/contracts"})
		items = append(items, NavItem{Text: "Quality", Href: "/quality"})
		items = append(items, NavItem{Text: "Dashboard", Href: "/dashboard"}, NavItem{Text: "Providers", Href: "/providers"})
		// nav: commissioning
	}
	if u.Has(auth.RoleProvider) {
		items = append(items, NavItem{Text: "Your contracts", Href: "/provider/contracts"})
		items = append(items, NavItem{Text: "Quality actions", Href: "/provider/quality"})
	}
	// nav: data protection
	if u.Has(auth.RoleDPO) {
		items = append(items, NavItem{Text: "Retention", Href: "/dpo/retention"}, NavItem{Text: "Breaches", Href: "/dpo/breaches"},
			NavItem{Text: "Audit log", Href: "/dpo/audit-log"})
	}
	if u.Has(auth.RoleDPO) || u.Has(auth.RoleOfficer) {
		items = append(items, NavItem{Text: "Disclosures", Href: "/disclosures"})
	}
	if u.Has(auth.RoleDPO) {
		items = append(items, NavItem{Text: "Privacy notices", Href: "/dpo/notices"}, NavItem{Text: "Subject access", Href: "/dpo/sar"})
	}
	if u.Has(auth.RoleDPO) || u.Has(auth.RoleOfficer) {
		items = append(items, NavItem{Text: "Correction requests", Href: "/rectification-requests"})
	}
	if u.Has(auth.RoleProvider) {
		items = append(items, NavItem{Text: "Correct your information", Href: "/rectification"})
	}
	if u.Has(auth.RoleProvider) {
		items = append(items, NavItem{Text: "Bank details", Href: "/provider/bank-details"})
	}
	if u.Has(auth.RoleFinance) {
		items = append(items, NavItem{Text: "Finance", Href: "/finance"})
	}
	if u.Has(auth.RoleAdmin) {
		items = append(items, NavItem{Text: "Users", Href: "/admin/users"}, NavItem{Text: "API tokens", Href: "/admin/api-tokens"})
		if s.cfg.Development() {
			items = append(items, NavItem{Text: "Outbox", Href: "/admin/outbox"})
		}
	}
	if u.Has(auth.RoleAdmin) || u.Has(auth.RoleOfficer) {
		items = append(items, NavItem{Text: "Import suppliers", Href: "/imports"})
	}
	if u.Has(auth.RoleOfficer) {
		items = append(items, NavItem{Text: "Regulator data", Href: "/regulator-data"})
	}
	// The current item is the one whose address is the longest start of the path, so
	// /provider/contracts marks "Your contracts", not also "Your supplier record" (/provider).
	path, best := c.Path(), -1
	for i := range items {
		h := items[i].Href
		if (path == h || (h != "/" && strings.HasPrefix(path, h+"/"))) && (best < 0 || len(h) > len(items[best].Href)) {
			best = i
		}
	}
	if best >= 0 {
		items[best].Current = true
	}
	return items
}

// longDate is how every page writes a date: 7 December 2026.
func longDate(t time.Time) string { return t.Format("2 January 2006") }

// render writes a full page with the given status.
func render(c *fiber.Ctx, status int, view string, data any) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Render(view, data)
}

// redirectWithFlash stores a message for the next page and redirects (post/redirect/get):
// every successful form ends here, so the message survives the redirect on any instance.
func (s *Server) redirectWithFlash(c *fiber.Ctx, to, msg string) error {
	if sess := sessionOf(c); sess != nil {
		if err := auth.SetFlash(c.UserContext(), s.db, sess.TokenHash, msg); err != nil {
			return err
		}
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
