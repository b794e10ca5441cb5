package web

import (
	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// dpoNoticesPage lists every version of the provider privacy notice for the data
// protection officer: the draft, the version in force, any published to take effect later,
// and those superseded, each with how many people acknowledged it.
type dpoNoticesPage struct {
	Page
	Versions []dpoNoticeRow
	Draft    *privacy.Notice
	Current  *privacy.Notice
	// Outstanding counts the provider users who have not acknowledged the version in force.
	Outstanding int
}

// dpoNoticeRow is a version with its state as the officer reads it.
type dpoNoticeRow struct {
	privacy.NoticeVersion
	State, TagClass string
}

// noticeState names a version's state: a draft, the one in force, one published to take
// effect later, or one superseded by a later version.
func noticeState(n privacy.Notice, current *privacy.Notice) (state, tag string) {
	switch {
	case n.Status == privacy.StatusDraft:
		return "Draft", "govuk-tag--grey"
	case current != nil && n.ID == current.ID:
		return "In force", "govuk-tag--green"
	case current == nil || n.Version > current.Version:
		return "Scheduled", "govuk-tag--blue"
	}
	return "Superseded", "govuk-tag--grey"
}

func (s *Server) dpoNotices(c *fiber.Ctx) error {
	ctx := c.UserContext()
	versions, err := privacy.Versions(ctx, s.db, privacy.AudienceProvider)
	if err != nil {
		return err
	}
	data := dpoNoticesPage{Page: s.page(c, "Privacy notices")}
	if data.Current, err = privacy.Current(ctx, s.db, privacy.AudienceProvider); err != nil && !apperr.Is(err, apperr.NotFound) {
		return err
	}
	if data.Current != nil {
		if _, data.Outstanding, err = privacy.NotAcknowledged(ctx, s.db, data.Current.ID, 1, 0); err != nil {
			return err
		}
	}
	for _, v := range versions {
		if v.Status == privacy.StatusDraft {
			n := v.Notice
			data.Draft = &n
		}
		state, tag := noticeState(v.Notice, data.Current)
		data.Versions = append(data.Versions, dpoNoticeRow{NoticeVersion: v, State: state, TagClass: tag})
	}
	return render(c, fiber.StatusOK, "dpo/notices/list", data)
}
