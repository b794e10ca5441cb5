package web

import (
	"context"
	"io"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/gofiber/fiber/v2"
)

// disclosureExport downloads the filtered log as CSV for the data protection officer (for
// the ICO, or an auditor); the export is audited with its filters, rows and digest.
func (s *Server) disclosureExport(c *fiber.Ctx) error {
	var q disclosureQuery
	errs := decodeFilterQuery(c, &q)
	f := q.filter(errs)
	if len(errs) > 0 {
		return apperr.New(apperr.Invalid, "The filters are not valid. Go back to the disclosure log and correct them.")
	}
	filters := map[string]any{"recipient_kind": f.RecipientKind, "lawful_basis": f.LawfulBasis, "q": f.Text,
		"supplier_ref": f.SupplierRef, "from": filterDateText(f.From), "to": filterDateText(f.To)}
	return s.streamAuditedCSV(c, "disclosure-log.csv", "privacy.disclosures", filters, func(ctx context.Context, w io.Writer) (int, error) {
		return privacy.WriteDisclosuresCSV(ctx, s.db, f, w)
	})
}
