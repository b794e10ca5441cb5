package web

import (
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// providerCommentReplyPage shows an officer's comment on a section of the provider's own
// record, the replies so far, and the form to reply.
type providerCommentReplyPage struct {
	Page
	Comment *provider.SectionComment
	Section string
	Reply   string
}

type commentReplyInput struct {
	Reply string `form:"reply" multiline:"true" label:"your reply"`
}

// providerComment reads a comment on the record of the organisation the session acts for.
// Another organisation's comment is "not found", like one that does not exist.
func (s *Server) providerComment(c *fiber.Ctx) (*provider.SectionComment, string, error) {
	orgID, err := s.currentOrgID(c)
	if err != nil {
		return nil, "", err
	}
	id, perr := strconv.ParseInt(c.Params("id"), 10, 64)
	if perr != nil || id <= 0 {
		return nil, "", apperr.New(apperr.NotFound, "Comment not found")
	}
	cm, err := provider.CommentByID(c.UserContext(), s.db, orgID, id)
	return cm, orgID, err
}

func (s *Server) providerCommentReplyForm(c *fiber.Ctx) error {
	cm, _, err := s.providerComment(c)
	if err != nil {
		return err
	}
	return s.renderCommentReply(c, fiber.StatusOK, cm, "", nil)
}

func (s *Server) renderCommentReply(c *fiber.Ctx, status int, cm *provider.SectionComment, reply string, errs map[string]string) error {
	data := providerCommentReplyPage{Page: s.page(c, "Reply to the commissioning team's comment"), Comment: cm, Section: cm.Section, Reply: reply}
	if def, ok := provider.SectionByKey(cm.Section); ok {
		data.Section = def.Title
	}
	data.Page.Back = "/provider"
	data.Page.Errors = fieldErrors([]string{"reply"}, errs)
	return render(c, status, "provider/comment_reply", data)
}

// providerCommentReply sends the provider's reply; the officer reviewing the record sees it
// beside the section.
func (s *Server) providerCommentReply(c *fiber.Ctx) error {
	cm, orgID, err := s.providerComment(c)
	if err != nil {
		return err
	}
	var in commentReplyInput
	errs := decodeForm(c, &in)
	if len(errs) == 0 {
		err = s.providers.ReplyToComment(c.UserContext(), orgID, cm.ID, in.Reply)
	}
	if fields := apperr.FieldsOf(err); fields != nil {
		errs, err = fields, nil
	}
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderCommentReply(c, fiber.StatusUnprocessableEntity, cm, in.Reply, errs)
	}
	return s.redirectWithFlash(c, "/provider", "Reply sent. The commissioning team will see it beside the section when they review your record.")
}
