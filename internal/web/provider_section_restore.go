package web

import (
	"strconv"

	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// restoreSection puts back what the provider typed into this section before their session
// timed out (restoredForm), decoded as providerSectionSave decodes a form sent, with the
// version they had read, so saving it again still meets a change made meanwhile as a
// conflict. Without a kept form it returns the answers and version it was given.
func (s *Server) restoreSection(c *fiber.Ctx, orgID string, def provider.Definition, answers provider.Answers, version int) (provider.Answers, int, error) {
	f, err := s.restoredForm(c)
	if err != nil || f == nil {
		return answers, version, err
	}
	restored := def.New()
	// A value the decoder refuses comes back empty; sending the form again says what is missing.
	_ = form.Decode(f.Get, restored)
	if err := s.keepStored(c, orgID, def, restored); err != nil {
		return answers, version, err
	}
	if vs := f.Get("version"); len(vs) > 0 {
		if v, err := strconv.Atoi(vs[0]); err == nil && v >= 0 {
			version = v
		}
	}
	return restored, version, nil
}
