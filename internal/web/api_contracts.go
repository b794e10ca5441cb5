package web

import (
	"net/url"
	"strconv"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// apiContract is a contract with its provider, its value in pence and its status today
// (an active contract is "expiring" within the council's setting, and "ended" once its end
// date has passed).
type apiContract struct {
	ID                string              `json:"id"`
	OCID              string              `json:"ocid"`
	Reference         string              `json:"reference"`
	Title             string              `json:"title"`
	Status            string              `json:"status"`
	Provider          apiContractProvider `json:"provider"`
	ServiceCategory   string              `json:"service_category"`
	ProcurementRoute  string              `json:"procurement_route"`
	FrameworkName     *string             `json:"framework_name"`
	Lot               *string             `json:"lot"`
	StartDate         string              `json:"start_date"`
	EndDate           string              `json:"end_date"`
	ExtensionOptions  *string             `json:"extension_options"`
	ExtensionMonths   int                 `json:"extension_months"`
	LatestEndDate     *string             `json:"latest_end_date"`
	Value             apiContractValue    `json:"value"`
	PaymentTerms      *string             `json:"payment_terms"`
	Manager           *apiContractManager `json:"manager"`
	DateSigned        *string             `json:"date_signed"`
	TerminatedOn      *string             `json:"terminated_on"`
	TerminationReason *string             `json:"termination_reason"`
	UpdatedAt         time.Time           `json:"updated_at"`
}

type apiContractProvider struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	SupplierRef string `json:"supplier_ref"`
}

// apiContractValue is money in whole pence, so no client rounds a float.
type apiContractValue struct {
	Currency        string `json:"currency"`
	TotalPence      int64  `json:"total_pence"`
	AnnualPence     int64  `json:"annual_pence"`
	VariationsPence int64  `json:"variations_pence"`
	CurrentPence    int64  `json:"current_pence"`
}

type apiContractManager struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// apiContractList is one page of contracts, soonest ending first.
type apiContractList struct {
	Data  []apiContract     `json:"data"`
	Total int               `json:"total"`
	Links apiContractsLinks `json:"links"`
}

type apiContractsLinks struct {
	Self string  `json:"self"`
	Next *string `json:"next"`
	Prev *string `json:"prev"`
}

func apiDateOf(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func apiContractOf(ct *contract.Contract, ocidPrefix string) apiContract {
	out := apiContract{ID: ct.ID, OCID: contract.OCID(ocidPrefix, ct.ID), Reference: ct.Reference, Title: ct.Title, Status: string(ct.Status),
		Provider:        apiContractProvider{ID: ct.OrganisationID, Name: ct.ProviderName, SupplierRef: ct.SupplierRef},
		ServiceCategory: ct.ServiceCategory, ProcurementRoute: string(ct.Route), FrameworkName: nullable(ct.FrameworkName), Lot: nullable(ct.Lot),
		StartDate: ct.StartDate.Format(time.DateOnly), EndDate: ct.EndDate.Format(time.DateOnly), ExtensionOptions: nullable(ct.ExtensionOptions),
		ExtensionMonths: ct.ExtensionMonths, LatestEndDate: apiDateOf(ct.ExtensionEnd()),
		Value: apiContractValue{Currency: "GBP", TotalPence: ct.TotalValuePence, AnnualPence: ct.AnnualValuePence,
			VariationsPence: ct.VariationsPence, CurrentPence: ct.CurrentValuePence()},
		PaymentTerms: nullable(ct.PaymentTerms), DateSigned: apiDateOf(ct.DateSigned), TerminatedOn: apiDateOf(ct.TerminatedOn),
		TerminationReason: nullable(ct.TerminationReason), UpdatedAt: ct.UpdatedAt.UTC()}
	if ct.ManagerName != nil {
		out.Manager = &apiContractManager{Name: *ct.ManagerName}
		if ct.ManagerEmail != nil {
			out.Manager.Email = *ct.ManagerEmail
		}
	}
	return out
}

// apiContractFilters are the list's filters as query parameters, in the order links carry them.
var apiContractFilters = []string{"q", "status", "provider_id", "category", "route"}

// apiContracts is GET /api/v1/contracts: contracts, drafts included, soonest ending first,
// filtered as the officers' list is, in numbered pages (page, limit) with the total.
func (s *Server) apiContracts(c *fiber.Ctx) error {
	p := newAPIParams(c, append(apiContractFilters, "page", "limit")...)
	f := contract.Filter{Query: p.text("q", 200), Status: contract.Status(p.oneOf("status", contract.FilterStatuses)),
		OrganisationID: p.id("provider_id"), ServiceCategory: p.oneOf("category", provider.ServiceCategories),
		Route: contract.Route(p.oneOf("route", contract.Routes))}
	page := p.integer("page", 1, 1, 100000)
	limit := p.limit()
	if err := p.err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	f.Limit, f.Offset = limit, (page-1)*limit
	list, total, err := s.contracts.List(ctx, f)
	if err != nil {
		return err
	}
	settings, err := contract.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	q := url.Values{}
	for _, name := range apiContractFilters {
		if v := c.Query(name); v != "" {
			q.Set(name, v)
		}
	}
	if c.Query("limit") != "" {
		q.Set("limit", strconv.Itoa(limit))
	}
	pageURL := func(n int) *string {
		v := url.Values{}
		for k, x := range q {
			v[k] = x
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		u := s.apiURL("/api/v1/contracts", v)
		return &u
	}
	out := apiContractList{Data: make([]apiContract, len(list)), Total: total, Links: apiContractsLinks{Self: *pageURL(page)}}
	for i := range list {
		out.Data[i] = apiContractOf(&list[i], settings.OCIDPrefix)
	}
	if page*limit < total {
		out.Links.Next = pageURL(page + 1)
	}
	if page > 1 {
		out.Links.Prev = pageURL(page - 1)
	}
	return c.JSON(out)
}

// apiContract is GET /api/v1/contracts/{id}.
func (s *Server) apiContract(c *fiber.Ctx) error {
	if err := newAPIParams(c).err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	ct, err := s.contracts.Contract(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	settings, err := contract.LoadSettings(ctx, s.db)
	if err != nil {
		return err
	}
	return c.JSON(apiContractOf(ct, settings.OCIDPrefix))
}
