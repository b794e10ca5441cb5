package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The commissioning demonstration: a handful of approved providers with contracts, KPIs and
// a year of monthly returns (some late, some queried, some overdue; values green, amber and
// red), quality assurance visits with actions (some overdue), one provider's insurance
// expiring within the month and another's DBS status check falling due, so the officers'
// dashboard, directory and provider pages look like a real team's on first start. Every
// date is relative to the day of the first load.

// demoProvider is one approved demo provider and what makes its record differ.
type demoProvider struct {
	ID, Name, Trading, Slug, Manager    string
	LegalForm, Company, Charity, VAT    string
	Line1, Town, Postcode               string
	Categories                          []string
	OfstedURN, OfstedJudgement          string
	CQCProvider, CQCLocation, CQCRating string
	SortCode, AccountNumber             string
	// ELExpiresIn moves the employer's liability policy's expiry to this many days from
	// today; 0 leaves it nine months away.
	ELExpiresIn int
	// DBSDueIn makes one member of staff's DBS status check fall due this many days from
	// today; 0 has every check recent.
	DBSDueIn int
}

// demoProviders are the approved demo providers, with fixed ids so reloading finds them.
var demoProviders = []demoProvider{
	{ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9b01", Name: "Meadowbank Children's Homes Ltd", Trading: "Meadowbank Homes", Slug: "meadowbank",
		Manager: "Ruth Ellis", LegalForm: "company", Company: "08412345", VAT: "GB980780684", Line1: "2 Meadow Road", Town: "Northampton",
		Postcode: "NN2 6JH", Categories: []string{"childrens_homes"}, OfstedURN: "SC482193", OfstedJudgement: "good",
		SortCode: "10-79-99", AccountNumber: "88837491"},
	{ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9b02", Name: "Brightpath Fostering Ltd", Slug: "brightpath", Manager: "Dev Malik",
		LegalForm: "company", Company: "07236541", VAT: "GB100062787", Line1: "Unit 4, Riverside Park", Town: "Wellingborough",
		Postcode: "NN8 1RT", Categories: []string{"independent_fostering"}, OfstedURN: "SC501234", OfstedJudgement: "outstanding",
		SortCode: "20-29-59", AccountNumber: "63748472", ELExpiresIn: 18},
	{ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9b03", Name: "Harbour View Supported Living CIC", Trading: "Harbour View", Slug: "harbourview",
		Manager: "Kemi Adeyemi", LegalForm: "cic", Company: "11873201", Line1: "17 Quay Street", Town: "Kettering", Postcode: "NN16 8AB",
		Categories: []string{"supported_accommodation"}, OfstedURN: "2614530", OfstedJudgement: "requires_improvement",
		SortCode: "87-14-27", AccountNumber: "46238510"},
	{ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9b04", Name: "Northgate Independent School Ltd", Slug: "northgate", Manager: "Helen North",
		LegalForm: "company", Company: "05566778", VAT: "GB100878444", Line1: "Northgate House", Town: "Daventry", Postcode: "NN11 4DX",
		Categories: []string{"send_education", "residential_special_schools"}, OfstedURN: "140123", OfstedJudgement: "outstanding",
		SortCode: "82-00-00", AccountNumber: "73688637"},
	{ID: "6b1f5a2e-0c1d-4c57-9a8e-3f2d1e0b9b05", Name: "Willow Short Breaks", Slug: "willow", Manager: "Tom Willoughby",
		LegalForm: "cio", Charity: "1162743", Line1: "The Willows, Church Lane", Town: "Towcester", Postcode: "NN12 6BU",
		Categories: []string{"short_breaks", "family_support"}, CQCProvider: "1-1125478963", CQCLocation: "1-1125478970", CQCRating: "good",
		SortCode: "08-99-99", AccountNumber: "66374958", DBSDueIn: 20},
}

// commissioningMarker is the first demo contract's reference: when it exists the contracts,
// returns and quality assurance have been loaded.
const commissioningMarker = "CYP-2024-001"

// LoadCommissioning creates, once, the approved demo providers and their contracts, KPIs,
// returns, visits and actions, then rates every provider's compliance. Like Load it never
// changes data that exist: a provider already there is left as it is, and the contracts and
// quality assurance are made in one transaction only when none of them exist yet.
func LoadCommissioning(ctx context.Context, svc *auth.Service, providers *provider.Service) error {
	officer, err := auth.UserByEmail(ctx, svc.DB, "officer@example.gov.uk")
	if err != nil {
		return fmt.Errorf("demo officer: %w", err)
	}
	officerCtx := audit.WithActor(ctx, audit.Actor{UserID: officer.ID, Email: officer.Email, Roles: []string{string(auth.RoleOfficer)}})
	for _, p := range demoProviders {
		if err := loadApprovedProvider(ctx, officerCtx, svc, providers, p); err != nil {
			return fmt.Errorf("demo provider %s: %w", p.Name, err)
		}
	}
	var loaded bool
	if err := svc.DB.GetContext(ctx, &loaded, `SELECT EXISTS (SELECT 1 FROM contracts WHERE reference = $1)`, commissioningMarker); err != nil {
		return err
	}
	if loaded {
		return nil
	}
	today := quality.DateOf(time.Now())
	if err := db.Transact(officerCtx, svc.DB, func(tx *sqlx.Tx) error {
		return loadCommissioningData(officerCtx, tx, officer, today)
	}); err != nil {
		return fmt.Errorf("demo commissioning: %w", err)
	}
	_, err = quality.RefreshCompliance(officerCtx, svc.DB, today)
	return err
}

// loadApprovedProvider makes a provider's organisation, user and complete record, submits it
// and approves it through the same services people use, unless it exists.
func loadApprovedProvider(ctx, officerCtx context.Context, svc *auth.Service, providers *provider.Service, p demoProvider) error {
	var exists bool
	if err := svc.DB.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM organisations WHERE id = $1)`, p.ID); err != nil {
		return err
	}
	if exists {
		return nil
	}
	email := "manager@" + p.Slug + ".example.org"
	ctx = audit.WithActor(ctx, audit.Actor{Email: "demo-loader", Roles: []string{"system"}})
	var userID string
	err := db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name) VALUES ($1, $2)`, p.ID, p.Name); err != nil {
			return err
		}
		u, err := svc.CreateUser(ctx, tx, auth.NewUser{Email: email, Name: p.Manager, Roles: []auth.Role{auth.RoleProvider},
			Password: Password, EmailConfirmed: true})
		if err != nil {
			return err
		}
		userID = u.ID
		_, err = tx.ExecContext(ctx, `INSERT INTO memberships (user_id, organisation_id) VALUES ($1, $2)`, u.ID, p.ID)
		return err
	})
	if err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: userID, Email: email, Roles: []string{string(auth.RoleProvider)}})
	answers, err := completeRecord(ctx, providers, p.ID)
	if err != nil {
		return err
	}
	p.customise(answers, email)
	for _, def := range provider.Sections {
		if err := providers.SaveSection(ctx, p.ID, def, answers[def.Key], 0); err != nil {
			return fmt.Errorf("section %s: %w", def.Key, err)
		}
		if err := providers.MarkCompleted(ctx, p.ID, def.Key, 1); err != nil {
			return fmt.Errorf("section %s: %w", def.Key, err)
		}
	}
	org, err := provider.OrganisationByID(ctx, svc.DB, p.ID)
	if err != nil {
		return err
	}
	if err := providers.Submit(ctx, p.ID, org.Version); err != nil {
		return err
	}
	if org, err = provider.OrganisationByID(ctx, svc.DB, p.ID); err != nil {
		return err
	}
	return providers.Approve(officerCtx, p.ID, org.Version)
}

// demoDate is a date as the form's three boxes.
func demoDate(t time.Time) form.DateInput { return form.DateInputOf(&t) }

// customise turns the sample record into this provider's.
func (p demoProvider) customise(answers map[provider.SectionKey]provider.Answers, email string) {
	today := time.Now()
	org := answers[provider.SectionOrganisation].(*provider.OrganisationAnswers)
	org.LegalName, org.TradingName, org.LegalForm = p.Name, p.Trading, p.LegalForm
	org.CompaniesHouseNumber, org.CharityNumber, org.ServiceCategories = p.Company, p.Charity, p.Categories
	org.Website, org.OperationType = "https://www."+p.Slug+".example.org", "sme"
	if p.Charity != "" {
		org.OperationType = "vcse"
	}
	contacts := answers[provider.SectionContacts].(*provider.ContactsAnswers)
	contacts.KeyContactName, contacts.KeyContactEmail = p.Manager, email
	contacts.Others = []provider.Contact{{Name: "Alex Morgan", Role: "Finance officer", Email: "finance@" + p.Slug + ".example.org", Phone: "01632 960 402"}}
	addr := answers[provider.SectionAddresses].(*provider.AddressesAnswers)
	addr.RegLine1, addr.RegTown, addr.RegPostcode = p.Line1, p.Town, p.Postcode
	vat := answers[provider.SectionVAT].(*provider.VATAnswers)
	if p.VAT != "" {
		vat.Registered, vat.Number = "yes", p.VAT
	}
	bank := answers[provider.SectionBank].(*provider.BankAnswers)
	bank.AccountName, bank.SortCode, bank.AccountNumber = p.Name, p.SortCode, p.AccountNumber
	if p.ELExpiresIn != 0 {
		ins := answers[provider.SectionInsurance].(*provider.InsuranceAnswers)
		for i := range ins.Policies {
			if ins.Policies[i].Kind == provider.PolicyEmployersLiability {
				ins.Policies[i].Start = demoDate(today.AddDate(-1, 0, p.ELExpiresIn))
				ins.Policies[i].Expiry = demoDate(today.AddDate(0, 0, p.ELExpiresIn))
			}
		}
	}
	reg := &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no"}
	if p.OfstedURN != "" {
		reg.OfstedRegistered = "yes"
		reg.Ofsted = []provider.OfstedRegistration{{URN: p.OfstedURN, Judgement: p.OfstedJudgement, JudgementDate: demoDate(today.AddDate(0, -7, 0))}}
	}
	if p.CQCProvider != "" {
		reg.CQCRegistered, reg.CQCProviderID = "yes", p.CQCProvider
		reg.CQCLocations = []provider.CQCLocation{{LocationID: p.CQCLocation, Rating: p.CQCRating, RatingDate: demoDate(today.AddDate(-1, -1, 0))}}
	}
	answers[provider.SectionRegulation] = reg
	staff := []provider.StaffMember{
		{Name: p.Manager, Role: "Registered manager", Level: "enhanced_barred", CertificateNumber: "001234567890",
			IssueDate: demoDate(today.AddDate(-3, 0, 0)), UpdateService: "yes", LastCheckDate: demoDate(today.AddDate(0, -2, 0)), LastCheckResult: "current"},
		{Name: "Chris Lowe", Role: "Senior support worker", Level: "enhanced_barred", CertificateNumber: "001234567891",
			IssueDate: demoDate(today.AddDate(0, -5, 0)), UpdateService: "no", LastCheckResult: "not_checked"},
	}
	if p.DBSDueIn != 0 {
		staff = append(staff, provider.StaffMember{Name: "Jordan Hale", Role: "Short breaks worker", Level: "enhanced_barred",
			CertificateNumber: "001234567892", IssueDate: demoDate(today.AddDate(-4, 0, 0)), UpdateService: "yes",
			LastCheckDate: demoDate(today.AddDate(-1, 0, p.DBSDueIn)), LastCheckResult: "current"})
	}
	answers[provider.SectionSafeguarding] = &provider.SafeguardingAnswers{Staff: staff}
}

// demoKPI is a KPI with a year of values and how its returns went.
type demoKPI struct {
	Name, Unit         string
	Target, Amber, Red float64
	Direction          contract.Direction
	Frequency          contract.Frequency
	Values             []float64
	// The periods (counted from the oldest ended, 0) whose return was late, was queried
	// and waits for the provider's answer, or was queried and answered and waits for the
	// officer again.
	Late, Queried, Answered []int
	// Missing is how many of the latest ended periods have no return yet.
	Missing int
	// AwaitingReview leaves the latest return made waiting for an officer.
	AwaitingReview bool
}

// measure is what the KPI's values are: percentages, or counts of what the unit names.
func (k demoKPI) measure() contract.Measure {
	if k.Unit == "%" {
		return contract.MeasurePercentage
	}
	return contract.MeasureCount
}

// demoContract is a contract for a demo provider.
type demoContract struct {
	Reference, Title, Provider, Category string
	Route                                contract.Route
	Framework, Lot                       string
	// StartMonths is how many months ago it started, on the first of the month; EndIn how
	// many days from today it ends.
	StartMonths, EndIn  int
	AnnualPounds, Years int64
	PaymentTerms        string
	KPIs                []demoKPI
}

var demoContracts = []demoContract{
	{Reference: commissioningMarker, Title: "Residential children's home placements", Provider: demoProviders[0].ID, Category: "childrens_homes",
		Route: contract.RouteBlock, StartMonths: 13, EndIn: 75, AnnualPounds: 1_460_000, Years: 2, PaymentTerms: "Monthly in arrears, 30 days from invoice",
		KPIs: []demoKPI{
			{Name: "Placement stability", Unit: "%", Target: 90, Amber: 85, Red: 75, Direction: contract.HigherIsBetter, Frequency: contract.Monthly,
				Values: []float64{92, 94, 88, 91, 79, 93, 95, 86, 90, 92, 74, 93, 91}, Late: []int{3}, Answered: []int{6}, Queried: []int{10}, AwaitingReview: true},
			{Name: "Missing from care episodes", Unit: "episodes", Target: 2, Amber: 3, Red: 5, Direction: contract.LowerIsBetter, Frequency: contract.Monthly,
				Values: []float64{1, 2, 4, 2, 1, 6, 2, 3, 1, 0, 2, 1, 1}, Late: []int{3}, AwaitingReview: true},
		}},
	{Reference: "CYP-2024-014", Title: "Independent fostering placements", Provider: demoProviders[1].ID, Category: "independent_fostering",
		Route: contract.RouteFramework, Framework: "East Midlands Regional Fostering Framework", Lot: "Lot 1: Standard placements",
		StartMonths: 12, EndIn: 700, AnnualPounds: 980_000, Years: 3, PaymentTerms: "Monthly in arrears per placement night",
		KPIs: []demoKPI{
			{Name: "Placements matched within 10 working days", Unit: "%", Target: 85, Amber: 75, Red: 65, Direction: contract.HigherIsBetter,
				Frequency: contract.Monthly, Values: []float64{88, 86, 79, 90, 84, 72, 87, 91, 85, 88, 83, 86}, Late: []int{2, 5}, Missing: 2},
			{Name: "Foster carer retention", Unit: "%", Target: 92, Amber: 88, Red: 80, Direction: contract.HigherIsBetter,
				Frequency: contract.Monthly, Values: []float64{95, 94, 93, 93, 90, 92, 94, 95, 93, 92, 91, 94}, Late: []int{5}, Missing: 2},
		}},
	{Reference: "CYP-2025-003", Title: "Supported accommodation for 16 and 17 year olds", Provider: demoProviders[2].ID, Category: "supported_accommodation",
		Route: contract.RouteDPS, Framework: "Supported Accommodation Dynamic Purchasing System", StartMonths: 12, EndIn: 380,
		AnnualPounds: 640_000, Years: 2, PaymentTerms: "Four-weekly in arrears",
		KPIs: []demoKPI{
			{Name: "Young people in education, employment or training", Unit: "%", Target: 80, Amber: 70, Red: 60, Direction: contract.HigherIsBetter,
				Frequency: contract.Monthly, Values: []float64{72, 75, 68, 81, 77, 58, 66, 74, 79, 71, 62, 70}, Queried: []int{11}, Answered: []int{5}},
			{Name: "Unplanned moves", Unit: "moves", Target: 0, Amber: 1, Red: 2, Direction: contract.LowerIsBetter, Frequency: contract.Monthly,
				Values: []float64{0, 1, 0, 2, 0, 3, 1, 0, 0, 1, 2, 0}, Late: []int{7}},
		}},
	{Reference: "CYP-2023-021", Title: "Day placements at an independent special school", Provider: demoProviders[3].ID, Category: "send_education",
		Route: contract.RouteSpot, StartMonths: 15, EndIn: 560, AnnualPounds: 420_000, Years: 3, PaymentTerms: "Termly in advance",
		KPIs: []demoKPI{
			{Name: "Attendance", Unit: "%", Target: 95, Amber: 90, Red: 85, Direction: contract.HigherIsBetter, Frequency: contract.Quarterly,
				Values: []float64{96, 97, 95, 96, 98}},
			{Name: "Annual reviews held on time", Unit: "%", Target: 100, Amber: 95, Red: 90, Direction: contract.HigherIsBetter,
				Frequency: contract.Quarterly, Values: []float64{100, 100, 96, 100, 100}, AwaitingReview: true},
		}},
	{Reference: "CYP-2025-009", Title: "Short breaks for disabled children", Provider: demoProviders[4].ID, Category: "short_breaks",
		Route: contract.RouteGrant, StartMonths: 11, EndIn: 20, AnnualPounds: 180_000, Years: 1, PaymentTerms: "Quarterly in advance",
		KPIs: []demoKPI{
			{Name: "Short break nights delivered", Unit: "nights", Target: 120, Amber: 100, Red: 80, Direction: contract.HigherIsBetter,
				Frequency: contract.Monthly, Values: []float64{118, 126, 131, 97, 124, 122, 119, 128, 133, 121, 125}, Late: []int{8}},
		}},
}

// loadCommissioningData makes the contracts with their KPIs and returns, and the quality
// assurance visits and actions, with the audit events the real flows would have recorded.
func loadCommissioningData(ctx context.Context, tx *sqlx.Tx, officer *auth.User, today time.Time) error {
	settings, err := contract.LoadSettings(ctx, tx)
	if err != nil {
		return err
	}
	users := map[string]*auth.User{}
	for _, p := range demoProviders {
		u, err := auth.UserByEmail(ctx, tx, "manager@"+p.Slug+".example.org")
		if err != nil {
			return fmt.Errorf("demo user of %s: %w", p.Name, err)
		}
		users[p.ID] = u
	}
	for _, c := range demoContracts {
		if err := loadContract(ctx, tx, c, officer, users[c.Provider], today, settings.ReturnDueDays); err != nil {
			return fmt.Errorf("contract %s: %w", c.Reference, err)
		}
	}
	return loadQuality(ctx, tx, officer, users, today)
}

func loadContract(ctx context.Context, tx *sqlx.Tx, c demoContract, officer, providerUser *auth.User, today time.Time, dueDays int) error {
	start := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -c.StartMonths, 0)
	end := today.AddDate(0, 0, c.EndIn)
	var id string
	// The Procurement Act details follow from the route and dates: children's services are
	// light touch, the estimate is the whole term and the maximum allows 10% more.
	signed, value := start.AddDate(0, 0, -14), c.AnnualPounds*c.Years*100
	if err := tx.GetContext(ctx, &id, `INSERT INTO contracts (reference, title, organisation_id, service_category, procurement_route,
		framework_name, lot, start_date, end_date, total_value_pence, annual_value_pence, payment_terms, manager_id, status, date_signed,
		created_by, updated_by, award_procedure, light_touch, cpv_codes, estimated_value_pence, maximum_value_pence, published_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'active', $14, $13, $13, $15, true, $16, $10, $17, $18) RETURNING id`,
		c.Reference, c.Title, c.Provider, c.Category, string(c.Route), c.Framework, c.Lot, start, end,
		value, c.AnnualPounds*100, c.PaymentTerms, officer.ID, signed,
		string(contract.LikelyProcedure(c.Route, signed)), pq.StringArray{contract.WelfareServicesForChildren}, value+value/10,
		signed.AddDate(0, 0, 7)); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "contract.created", ObjectType: "contract", ObjectID: id,
		Summary: map[string]any{"organisation_id": c.Provider, "reference": c.Reference, "demo": true}}); err != nil {
		return err
	}
	for _, k := range c.KPIs {
		var kpiID string
		if err := tx.GetContext(ctx, &kpiID, `INSERT INTO kpis (contract_id, name, unit, target, direction, amber_threshold, red_threshold, frequency, measure)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, id, k.Name, k.Unit, k.Target, string(k.Direction), k.Amber, k.Red,
			string(k.Frequency), string(k.measure())); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "contract.kpi.created", ObjectType: "contract", ObjectID: id,
			Summary: map[string]any{"kpi_id": kpiID, "name": k.Name, "demo": true}}); err != nil {
			return err
		}
		if err := loadReturns(ctx, tx, kpiID, k, contract.Periods(start, end, k.Frequency), officer, providerUser, today, dueDays); err != nil {
			return fmt.Errorf("returns of %s: %w", k.Name, err)
		}
	}
	return nil
}

// loadReturns makes a return row for every period of the KPI, and fills those whose period
// has ended as the provider and the officer left them: accepted mostly, submitted a few days
// before the due date (or after it, when late), some queried, the latest perhaps missing.
func loadReturns(ctx context.Context, tx *sqlx.Tx, kpiID string, k demoKPI, periods []contract.Period, officer, providerUser *auth.User,
	today time.Time, dueDays int) error {
	ended := 0
	for _, p := range periods {
		if p.End.Before(today) {
			ended++
		}
	}
	made := 0
	for i, p := range periods {
		due := p.End.AddDate(0, 0, dueDays)
		var id string
		if err := tx.GetContext(ctx, &id, `INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date)
			VALUES ($1, $2, $3, $4) RETURNING id`, kpiID, p.Start, p.End, due); err != nil {
			return err
		}
		if !p.End.Before(today) || i >= ended-k.Missing {
			continue // not ended yet, or not made
		}
		made++
		submitted := due.AddDate(0, 0, -2)
		if contains(k.Late, i) {
			submitted = due.AddDate(0, 0, 6)
		}
		if !submitted.Before(today) {
			submitted = today.AddDate(0, 0, -1)
		}
		if submitted.Before(p.End) {
			submitted = p.End
		}
		submittedAt := submitted.Add(10 * time.Hour)
		status, accepted := "accepted", any(submittedAt.Add(50*time.Hour))
		switch {
		case contains(k.Queried, i):
			status, accepted = "queried", nil
		case contains(k.Answered, i):
			status, accepted = "answered", nil
		case k.AwaitingReview && i == ended-k.Missing-1:
			status, accepted = "submitted", nil
		}
		if accepted != nil && accepted.(time.Time).After(time.Now()) {
			accepted = time.Now()
		}
		value := k.Values[i%len(k.Values)]
		commentary := ""
		if contract.Rate(value, k.Direction, k.Amber, k.Red) != contract.Green {
			commentary = "Below what we aim for this period. We have reviewed each case with the team and put a plan in place; see the attached note."
		}
		acceptedBy, acceptedName := any(nil), ""
		if accepted != nil {
			acceptedBy, acceptedName = officer.ID, officer.Name
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET status = $2, value = $3, commentary = $4, submitted_at = $5,
			submitted_by = $6, submitted_by_name = $7, accepted_at = $8, accepted_by = $9, accepted_by_name = $10, version = 2
			WHERE id = $1`, id, status, value, commentary, submittedAt, providerUser.ID, providerUser.Name, accepted, acceptedBy, acceptedName); err != nil {
			return err
		}
		if contains(k.Queried, i) || contains(k.Answered, i) {
			if err := demoNote(ctx, tx, id, "query", "Can you break this figure down by home, and say what changed from last month?", officer, submittedAt.Add(26*time.Hour)); err != nil {
				return err
			}
		}
		if contains(k.Answered, i) {
			if err := demoNote(ctx, tx, id, "answer", "Two of the moves were planned step-downs agreed at review; the breakdown by home is attached to the return.", providerUser, submittedAt.Add(40*time.Hour)); err != nil {
				return err
			}
		}
	}
	if made == 0 && ended > k.Missing {
		return fmt.Errorf("no returns made")
	}
	return nil
}

func demoNote(ctx context.Context, tx *sqlx.Tx, returnID, kind, body string, by *auth.User, at time.Time) error {
	if at.After(time.Now()) {
		at = time.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO monitoring_return_notes (return_id, kind, body, by_user, by_name, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		returnID, kind, body, by.ID, by.Name, at)
	return err
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// demoVisit is a quality assurance visit and the actions it found.
type demoVisit struct {
	Provider  string
	DaysAgo   int
	Announced bool
	Areas     []string
	Findings  string
	Grade     quality.Grade
	Actions   []demoAction
}

// demoAction is an action arising, due DueIn days from today (negative: in the past).
type demoAction struct {
	Description string
	DueIn       int
	Status      quality.ActionStatus
	Response    string
}

var demoVisits = []demoVisit{
	{Provider: demoProviders[2].ID, DaysAgo: 50, Areas: []string{"safeguarding", "care_planning", "premises"},
		Findings: "Missing-from-care protocols were out of date at two of the three properties.\nThe fire risk assessment for Quay Street was overdue.\nYoung people spoke well of their key workers.",
		Grade:    quality.GradeRequiresImprovement,
		Actions: []demoAction{
			{Description: "Update the missing-from-care protocol at every property and brief all staff on it", DueIn: -38, Status: quality.ActionOpen},
			{Description: "Complete the fire risk assessment for Quay Street", DueIn: -6, Status: quality.ActionInProgress,
				Response: "The assessor visits next week; the interim checks are being done daily."},
			{Description: "Bring staff training records up to date", DueIn: 24, Status: quality.ActionOpen},
		}},
	{Provider: demoProviders[0].ID, DaysAgo: 120, Announced: true, Areas: []string{"staffing", "medication", "voice_of_child"},
		Findings: "Medication records were accurate and audited weekly.\nTwo staff were overdue for supervision.", Grade: quality.GradeGood,
		Actions: []demoAction{
			{Description: "Bring staff supervision up to date", DueIn: -60, Status: quality.ActionClosed, Response: "All supervisions are now up to date."},
			{Description: "Record children's views in every placement review", DueIn: -30, Status: quality.ActionCompleted,
				Response: "A section for the child's views has been added to the review template."},
		}},
	{Provider: demoProviders[1].ID, DaysAgo: 20, Announced: true, Areas: []string{"contract", "leadership"},
		Findings: "Matching times met the framework's standard in most months.\nThe agency's recruitment of carers for sibling groups is behind plan.",
		Grade:    quality.GradeGood,
		Actions: []demoAction{
			{Description: "Share a recruitment plan for carers of sibling groups", DueIn: 25, Status: quality.ActionOpen},
		}},
}

func loadQuality(ctx context.Context, tx *sqlx.Tx, officer *auth.User, users map[string]*auth.User, today time.Time) error {
	for _, v := range demoVisits {
		var id string
		if err := tx.GetContext(ctx, &id, `INSERT INTO qa_visits (organisation_id, visited_on, announced, areas, findings, grade,
			created_by, created_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, v.Provider, today.AddDate(0, 0, -v.DaysAgo),
			v.Announced, pq.StringArray(v.Areas), v.Findings, string(v.Grade), officer.ID, officer.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO qa_visit_officers (visit_id, user_id, officer_name) VALUES ($1, $2, $3)`,
			id, officer.ID, officer.Name); err != nil {
			return err
		}
		visited := today.AddDate(0, 0, -v.DaysAgo).Format("2 January 2006")
		if err := audit.Record(ctx, tx, audit.Event{Action: "quality.visit.recorded", ObjectType: "organisation", ObjectID: v.Provider,
			Summary: map[string]any{"visit_id": id, "detail": "Visit on " + visited + " recorded, graded " + v.Grade.Label()}}); err != nil {
			return err
		}
		for _, a := range v.Actions {
			closedAt, closedBy, closedName, note := any(nil), any(nil), "", ""
			if a.Status == quality.ActionClosed {
				closedAt, closedBy, closedName, note = today.AddDate(0, 0, a.DueIn+3), officer.ID, officer.Name, "Checked at the follow-up call."
			}
			var actionID string
			if err := tx.GetContext(ctx, &actionID, `INSERT INTO qa_actions (visit_id, organisation_id, description, owner_name, owner_email,
				due_on, status, closing_note, closed_by, closed_by_name, closed_at, created_by, created_by_name)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				id, v.Provider, a.Description, users[v.Provider].Name, users[v.Provider].Email, today.AddDate(0, 0, a.DueIn), string(a.Status),
				note, closedBy, closedName, closedAt,
				officer.ID, officer.Name); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Event{Action: "quality.action.added", ObjectType: "organisation", ObjectID: v.Provider,
				Summary: map[string]any{"action_id": actionID, "detail": "Action added: " + a.Description}}); err != nil {
				return err
			}
			if a.Response == "" {
				continue
			}
			status := quality.ActionCompleted
			if a.Status == quality.ActionInProgress {
				status = quality.ActionInProgress
			}
			u := users[v.Provider]
			if _, err := tx.ExecContext(ctx, `INSERT INTO qa_action_responses (action_id, organisation_id, response, status, by_user, by_name, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, actionID, v.Provider, a.Response, string(status), u.ID, u.Name,
				today.AddDate(0, 0, min(a.DueIn, -1)).Add(11*time.Hour)); err != nil {
				return err
			}
		}
	}
	return nil
}
