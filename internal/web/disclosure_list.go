package web

import (
	"net/url"

	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/privacy"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// disclosureQuery is the log's filter form, sent by GET.
type disclosureQuery struct {
	RecipientKind string         `form:"recipient_kind" label:"the kind of body"`
	LawfulBasis   string         `form:"lawful_basis" label:"the lawful basis"`
	Text          string         `form:"q" label:"the search"`
	SupplierRef   string         `form:"supplier_ref" label:"the supplier reference"`
	From          form.DateInput `form:"from" label:"the start date"`
	To            form.DateInput `form:"to" label:"the end date"`
}

// filter checks the query and turns it into the log's filter, with messages per field.
func (q disclosureQuery) filter(errs map[string]string) privacy.DisclosureFilter {
	f := privacy.DisclosureFilter{RecipientKind: q.RecipientKind, LawfulBasis: q.LawfulBasis, Text: q.Text, SupplierRef: q.SupplierRef}
	f.From = filterDate(errs, "from", q.From, "the start date")
	f.To = filterDate(errs, "to", q.To, "the end date")
	for k, v := range f.Validate() {
		if errs[k] == "" {
			errs[k] = v
		}
	}
	return f
}

type disclosureListPage struct {
	Page
	Query                 disclosureQuery
	Disclosures           []privacy.Disclosure
	Pager                 Pager
	RecipientKinds, Bases []provider.Option
	ExportURL             string
	CanExport             bool
}

// disclosureList is the disclosure log, newest first, filtered and paginated.
func (s *Server) disclosureList(c *fiber.Ctx) error {
	var q disclosureQuery
	errs := decodeFilterQuery(c, &q)
	f := q.filter(errs)
	data := disclosureListPage{Query: q, Pager: newPager(c, 25),
		RecipientKinds: registerRadioOptions(privacy.RecipientKinds), Bases: registerRadioOptions(privacy.LawfulBases),
		CanExport: userOf(c).Has(auth.RoleDPO)}
	status := fiber.StatusOK
	if len(errs) > 0 {
		status = fiber.StatusUnprocessableEntity
	} else {
		var err error
		if data.Disclosures, data.Pager.Total, err = privacy.Disclosures(c.UserContext(), s.db, f, data.Pager.Size, data.Pager.Offset()); err != nil {
			return err
		}
		v := url.Values{}
		c.Context().QueryArgs().VisitAll(func(k, val []byte) {
			if string(k) != "page" {
				v.Add(string(k), string(val))
			}
		})
		data.ExportURL = "/disclosures/export"
		if len(v) > 0 {
			data.ExportURL += "?" + v.Encode()
		}
	}
	data.Page = s.page(c, "Disclosure log")
	data.Page.Errors = fieldErrors([]string{"q", "recipient_kind", "lawful_basis", "supplier_ref", "from", "to"}, errs)
	return render(c, status, "disclosures/list", data)
}
