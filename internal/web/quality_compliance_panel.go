package web

import (
	"github.com/council/provider-portal/internal/quality"
	"github.com/gofiber/fiber/v2"
)

// CompliancePanel is the view model of the "compliance-panel" partial: a provider's rating in
// words and colour, and every reason with its own rating and why.
type CompliancePanel struct {
	quality.Result
	// QualityHref links to the provider's quality assurance page; empty on that page itself.
	QualityHref string
}

// compliancePanel works out a provider's compliance today, afresh, for an officer's page, and
// stores it, so the directory and dashboard show the same rating and reasons.
func (s *Server) compliancePanel(c *fiber.Ctx, orgID string, link bool) (*CompliancePanel, error) {
	svc := s.quality
	res, err := quality.CurrentCompliance(c.UserContext(), s.db, orgID, svc.Today())
	if err != nil {
		return nil, err
	}
	p := &CompliancePanel{Result: res}
	if link {
		p.QualityHref = "/quality/providers/" + orgID
	}
	return p, nil
}
