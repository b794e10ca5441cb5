package quality_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
)

// complete is a children's home with nothing to worry about: current insurance, Ofsted good
// this year, not CQC registered (and not needing to be), every member of staff checked
// recently, no overdue actions, no late returns, a good QA visit and a green KPI.
func complete() *quality.Inputs {
	return &quality.Inputs{
		ServiceCategories: []string{"childrens_homes"},
		Insurance:         insurance(),
		Regulation: &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
			Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "good", JudgementDate: dateInput(day(-200))}}},
		Safeguarding: &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Sam Carer", day(-30)), staff("Alex Keyworker", day(-300))}},
		Returns:      &quality.LateReturns{},
		LatestVisit:  &quality.VisitGrade{VisitedOn: day(-40), Grade: quality.GradeGood},
		KPIs:         []contract.KPIRating{kpiRating("Placement stability", contract.Green)},
	}
}

func kpiRating(name string, rag contract.RAG) contract.KPIRating {
	return contract.KPIRating{ContractReference: "CT-1", KPIName: name, ValueText: "82%", PeriodEnd: day(-15), RAG: rag}
}

// TestComplianceRules applies each rule to inputs made to trip it, on a fixed day, and checks
// the rule's ratings and that each reason says why in words.
func TestComplianceRules(t *testing.T) {
	tests := []struct {
		name     string
		inputs   func(*quality.Inputs)
		settings func(*quality.Settings)
		rule     string
		want     []quality.RAG // the rule's reasons' ratings, worst first
		why      []string      // words each of the rule's reasons (in order) must contain
	}{
		{"insurance: all current", nil, nil, "insurance", []quality.RAG{quality.Green},
			[]string{"All 3 policies are current; the next to expire is the employer's liability policy, on 15 March 2027"}},
		{"insurance: none approved", func(in *quality.Inputs) { in.Insurance = nil }, nil, "insurance", []quality.RAG{quality.Amber},
			[]string{"No approved insurance details"}},
		{"insurance: expired is red", func(in *quality.Inputs) { expiring(in.Insurance, provider.PolicyPublicLiability, day(-14)) }, nil,
			"insurance", []quality.RAG{quality.Red}, []string{"public liability insurance (Mutual Assurance, policy POL-2) expired on 1 March 2026, 14 days ago"}},
		{"insurance: expiring within 30 days is amber", func(in *quality.Inputs) { expiring(in.Insurance, provider.PolicyProfessionalIndemnity, day(26)) }, nil,
			"insurance", []quality.RAG{quality.Amber}, []string{"professional indemnity insurance (Mutual Assurance, policy POL-3) expires on 10 April 2026, in 26 days (within 30 days)"}},
		{"insurance: expiring today is amber", func(in *quality.Inputs) { expiring(in.Insurance, provider.PolicyPublicLiability, today) }, nil,
			"insurance", []quality.RAG{quality.Amber}, []string{"expires today"}},
		{"insurance: 36 days away is green at 30", func(in *quality.Inputs) { expiring(in.Insurance, provider.PolicyProfessionalIndemnity, day(36)) }, nil,
			"insurance", []quality.RAG{quality.Green}, []string{"next to expire is the professional indemnity policy, on 20 April 2026"}},
		{"insurance: 36 days away is amber at a 40-day setting", func(in *quality.Inputs) { expiring(in.Insurance, provider.PolicyProfessionalIndemnity, day(36)) },
			func(s *quality.Settings) { s.InsuranceWarningDays = 40 }, "insurance", []quality.RAG{quality.Amber}, []string{"in 36 days (within 40 days)"}},
		{"insurance: expired and expiring, worst first", func(in *quality.Inputs) {
			expiring(in.Insurance, provider.PolicyEmployersLiability, day(3))
			expiring(in.Insurance, provider.PolicyProfessionalIndemnity, day(-1))
		}, nil, "insurance", []quality.RAG{quality.Red, quality.Amber}, []string{"expired on 14 March 2026, 1 day ago", "in 3 days"}},
		{"insurance: no expiry date", func(in *quality.Inputs) { in.Insurance.Policies[1].Expiry = form.DateInput{} }, nil,
			"insurance", []quality.RAG{quality.Amber}, []string{"public liability policy has no expiry date"}},
		{"insurance: a held change is mentioned", func(in *quality.Inputs) {
			expiring(in.Insurance, provider.PolicyPublicLiability, day(-2))
			in.InsurancePending = true
		}, nil, "insurance", []quality.RAG{quality.Red}, []string{"waiting for an officer's review"}},
		{"insurance: exempt from employer's liability, its policy is not read", func(in *quality.Inputs) {
			in.Insurance.ELExempt, in.Insurance.ELExemptReason = "yes", "No employees"
			in.Insurance.Policies[0] = provider.Policy{Kind: provider.PolicyEmployersLiability}
		}, nil, "insurance", []quality.RAG{quality.Green}, []string{"All 2 policies are current"}},

		{"employer's liability: at the minimum", nil, nil, "employers_liability", []quality.RAG{quality.Green},
			[]string{"cover is £6,000,000, at least the minimum of £5,000,000"}},
		{"employer's liability: below a raised minimum is red", nil, func(s *quality.Settings) { s.MinEmployersLiabilityPence = 1_000_000_000 },
			"employers_liability", []quality.RAG{quality.Red}, []string{"cover is £6,000,000, below the minimum of £10,000,000"}},
		{"employer's liability: exempt", func(in *quality.Inputs) {
			in.Insurance.ELExempt, in.Insurance.ELExemptReason = "yes", "A sole trader with no employees"
		}, nil, "employers_liability", []quality.RAG{quality.Green}, []string{"Exempt from employer's liability insurance: A sole trader with no employees."}},
		{"employer's liability: silent without insurance", func(in *quality.Inputs) { in.Insurance = nil }, nil, "employers_liability", nil, nil},

		{"DBS: all checked within 12 months", nil, nil, "dbs", []quality.RAG{quality.Green},
			[]string{"All 2 current staff in regulated roles have had a DBS status check or new certificate in the last 12 months"}},
		{"DBS: none approved", func(in *quality.Inputs) { in.Safeguarding = nil }, nil, "dbs", []quality.RAG{quality.Amber}, []string{"No approved DBS records"}},
		{"DBS: no check in 12 months is amber", func(in *quality.Inputs) {
			in.Safeguarding.Staff = append(in.Safeguarding.Staff, staff("Jo Nightworker", day(-400)))
		}, nil, "dbs", []quality.RAG{quality.Amber}, []string{"1 of 3 current staff in regulated roles has had no DBS status check or new certificate in the last 12 months; the longest since 8 February 2025"}},
		{"DBS: exactly 12 months ago is still in time", func(in *quality.Inputs) {
			in.Safeguarding.Staff = []provider.StaffMember{staff("Jo Nightworker", today.AddDate(-1, 0, 0))}
		}, nil, "dbs", []quality.RAG{quality.Green}, []string{"All 1 current staff"}},
		{"DBS: a shorter setting", nil, func(s *quality.Settings) { s.DBSCheckMonths = 6 }, "dbs", []quality.RAG{quality.Amber},
			[]string{"1 of 2 current staff in regulated roles has had no DBS status check or new certificate in the last 6 months"}},
		{"DBS: a new certificate counts as a check", func(in *quality.Inputs) {
			m := staff("Jo Nightworker", day(-400))
			m.IssueDate = dateInput(day(-20))
			in.Safeguarding.Staff = []provider.StaffMember{m}
		}, nil, "dbs", []quality.RAG{quality.Green}, nil},
		{"DBS: never checked and an old certificate", func(in *quality.Inputs) {
			m := staff("Jo Nightworker", day(-10))
			m.LastCheckResult, m.LastCheckDate = "not_checked", form.DateInput{}
			in.Safeguarding.Staff = []provider.StaffMember{m}
		}, nil, "dbs", []quality.RAG{quality.Amber}, []string{"1 of 1 current staff"}},
		{"DBS: staff who left are not counted", func(in *quality.Inputs) {
			m := staff("Jo Leaver", day(-900))
			m.LeftOn = dateInput(day(-100))
			in.Safeguarding.Staff = append(in.Safeguarding.Staff, m)
		}, nil, "dbs", []quality.RAG{quality.Green}, []string{"All 2 current staff"}},
		{"DBS: new information found", func(in *quality.Inputs) { in.Safeguarding.Staff[0].LastCheckResult = "new_information" }, nil,
			"dbs", []quality.RAG{quality.Amber}, []string{"1 of 2 current staff has a last status check that found new information"}},

		{"Ofsted: good", nil, nil, "ofsted", []quality.RAG{quality.Green}, []string{"Ofsted ratings: SC057941 good"}},
		{"Ofsted: inadequate is red", func(in *quality.Inputs) { in.Regulation.Ofsted[0].Judgement = "inadequate" }, nil,
			"ofsted", []quality.RAG{quality.Red}, []string{"Ofsted judged SC057941 inadequate on 27 August 2025"}},
		{"Ofsted: requires improvement is amber", func(in *quality.Inputs) { in.Regulation.Ofsted[0].Judgement = "requires_improvement" }, nil,
			"ofsted", []quality.RAG{quality.Amber}, []string{"Ofsted judged SC057941 requires improvement to be good"}},
		{"Ofsted: not registered, and need not be", func(in *quality.Inputs) {
			in.ServiceCategories = []string{"send_education", "youth_services"}
			in.Regulation.OfstedRegistered, in.Regulation.Ofsted = "no", nil
		}, nil, "ofsted", []quality.RAG{quality.Green}, []string{"Not registered with Ofsted; none of its services needs Ofsted registration."}},
		{"Ofsted: a children's home not registered is red", func(in *quality.Inputs) {
			in.Regulation.OfstedRegistered, in.Regulation.Ofsted = "no", nil
		}, nil, "ofsted", []quality.RAG{quality.Red},
			[]string{"Not registered with Ofsted, but it provides children's homes, which must be registered with Ofsted."}},
		{"Ofsted: every category that needs registration is named", func(in *quality.Inputs) {
			in.ServiceCategories = []string{"independent_fostering", "short_breaks", "supported_accommodation", "residential_family_centres", "adoption_support"}
			in.Regulation.OfstedRegistered, in.Regulation.Ofsted = "no", nil
		}, nil, "ofsted", []quality.RAG{quality.Red},
			[]string{"it provides independent fostering, supported accommodation (16 to 17), residential family centres and adoption support, which must"}},
		{"Ofsted: not yet inspected is amber", func(in *quality.Inputs) {
			in.Regulation.Ofsted[0].Judgement, in.Regulation.Ofsted[0].JudgementDate = "not_yet_inspected", form.DateInput{}
		}, nil, "ofsted", []quality.RAG{quality.Amber}, []string{"Ofsted has not yet inspected SC057941, so there is no independent judgement"}},
		{"Ofsted: a judgement over 3 years old is amber", func(in *quality.Inputs) {
			in.Regulation.Ofsted[0].JudgementDate = dateInput(today.AddDate(-3, 0, -1))
		}, nil, "ofsted", []quality.RAG{quality.Amber}, []string{"Ofsted judged SC057941 good on 14 March 2023, more than 3 years ago"}},
		{"Ofsted: exactly 3 years old is still green", func(in *quality.Inputs) {
			in.Regulation.Ofsted[0].JudgementDate = dateInput(today.AddDate(-3, 0, 0))
		}, nil, "ofsted", []quality.RAG{quality.Green}, []string{"SC057941 good on 15 March 2023"}},
		{"Ofsted: a 4-year-old judgement is green at a 5-year setting", func(in *quality.Inputs) {
			in.Regulation.Ofsted[0].JudgementDate = dateInput(today.AddDate(-4, 0, 0))
		}, func(s *quality.Settings) { s.JudgementMaxAgeYears = 5 }, "ofsted", []quality.RAG{quality.Green}, []string{"Ofsted ratings"}},
		{"Ofsted: a 2-year-old judgement is amber at a 1-year setting", func(in *quality.Inputs) {
			in.Regulation.Ofsted[0].JudgementDate = dateInput(today.AddDate(-2, 0, 0))
		}, func(s *quality.Settings) { s.JudgementMaxAgeYears = 1 }, "ofsted", []quality.RAG{quality.Amber}, []string{"more than 1 year ago"}},
		{"Ofsted: none approved", func(in *quality.Inputs) { in.Regulation = nil }, nil, "ofsted", []quality.RAG{quality.Amber},
			[]string{"No approved Ofsted or CQC registration details"}},

		{"CQC: not registered", nil, nil, "cqc", []quality.RAG{quality.Green}, []string{"Not registered with the CQC"}},
		{"CQC: inadequate and requires improvement", func(in *quality.Inputs) {
			in.Regulation.CQCRegistered, in.Regulation.CQCProviderID = "yes", "1-101726253"
			in.Regulation.CQCLocations = []provider.CQCLocation{
				{LocationID: "1-111111111", Rating: "requires_improvement", RatingDate: dateInput(day(-50))},
				{LocationID: "1-222222222", Rating: "inadequate", RatingDate: dateInput(day(-10))},
			}
		}, nil, "cqc", []quality.RAG{quality.Red, quality.Amber},
			[]string{"The CQC rated location 1-222222222 inadequate on 5 March 2026", "The CQC rated location 1-111111111 requires improvement"}},
		{"CQC: regulated activities without CQC registration is red", func(in *quality.Inputs) {
			in.ServiceCategories = append(in.ServiceCategories, "regulated_activities")
		}, nil, "cqc", []quality.RAG{quality.Red},
			[]string{"Not registered with the CQC, but it provides health or personal care (CQC regulated activities), which must be registered with the CQC."}},
		{"CQC: not yet rated is amber", func(in *quality.Inputs) {
			in.Regulation.CQCRegistered, in.Regulation.CQCProviderID = "yes", "1-101726253"
			in.Regulation.CQCLocations = []provider.CQCLocation{{LocationID: "1-111111111", Rating: "not_yet_rated"}}
		}, nil, "cqc", []quality.RAG{quality.Amber}, []string{"The CQC has not yet rated location 1-111111111"}},
		{"CQC: silent without regulation details", func(in *quality.Inputs) { in.Regulation = nil }, nil, "cqc", nil, nil},

		{"QA visit: good is green", nil, nil, "qa_visit", []quality.RAG{quality.Green},
			[]string{"The latest quality assurance visit, on 3 February 2026, graded the provider good."}},
		{"QA visit: requires improvement is amber", func(in *quality.Inputs) { in.LatestVisit.Grade = quality.GradeRequiresImprovement }, nil,
			"qa_visit", []quality.RAG{quality.Amber}, []string{"graded the provider requires improvement"}},
		{"QA visit: inadequate is red", func(in *quality.Inputs) { in.LatestVisit.Grade = quality.GradeInadequate }, nil,
			"qa_visit", []quality.RAG{quality.Red}, []string{"graded the provider inadequate"}},
		{"QA visit: silent with no visit", func(in *quality.Inputs) { in.LatestVisit = nil }, nil, "qa_visit", nil, nil},

		{"KPIs: all green", nil, nil, "kpis", []quality.RAG{quality.Green}, []string{"The KPI is green at the latest value."}},
		{"KPIs: a red KPI is red, an amber one amber", func(in *quality.Inputs) {
			in.KPIs = []contract.KPIRating{kpiRating("Placement stability", contract.Amber), kpiRating("Missing episodes", contract.Green),
				kpiRating("Education attendance", contract.Red)}
		}, nil, "kpis", []quality.RAG{quality.Red, quality.Amber},
			[]string{"Education attendance on contract CT-1 is red, 82% for the period to 28 February 2026.", "Placement stability on contract CT-1 is amber"}},
		{"KPIs: silent with no accepted values", func(in *quality.Inputs) { in.KPIs = nil }, nil, "kpis", nil, nil},

		{"QA actions: none overdue", nil, nil, "qa_actions", []quality.RAG{quality.Green}, []string{"No quality assurance actions are overdue"}},
		{"QA actions: overdue is amber", func(in *quality.Inputs) { in.OverdueActions, in.OldestActionDue = 2, day(-10) }, nil,
			"qa_actions", []quality.RAG{quality.Amber}, []string{"2 quality assurance actions are overdue; the oldest was due on 5 March 2026, 10 days ago"}},
		{"QA actions: 30 days overdue is still amber", func(in *quality.Inputs) { in.OverdueActions, in.OldestActionDue = 1, day(-30) }, nil,
			"qa_actions", []quality.RAG{quality.Amber}, []string{"1 quality assurance action is overdue"}},
		{"QA actions: more than 30 days overdue is red", func(in *quality.Inputs) { in.OverdueActions, in.OldestActionDue = 1, day(-31) }, nil,
			"qa_actions", []quality.RAG{quality.Red}, []string{"31 days ago. That is more than 30 days"}},
		{"QA actions: red sooner at a shorter setting", func(in *quality.Inputs) { in.OverdueActions, in.OldestActionDue = 1, day(-10) },
			func(s *quality.Settings) { s.QAOverdueRedDays = 7 }, "qa_actions", []quality.RAG{quality.Red}, []string{"more than 7 days"}},

		{"returns: none late", nil, nil, "returns", []quality.RAG{quality.Green}, []string{"No monitoring returns are late"}},
		{"returns: late is amber", func(in *quality.Inputs) { in.Returns = &quality.LateReturns{Late: 1, OldestDue: day(-5)} }, nil,
			"returns", []quality.RAG{quality.Amber}, []string{"1 monitoring return is late; the oldest was due on 10 March 2026, 5 days ago"}},
		{"returns: long late is red", func(in *quality.Inputs) { in.Returns = &quality.LateReturns{Late: 3, OldestDue: day(-45)} }, nil,
			"returns", []quality.RAG{quality.Red}, []string{"3 monitoring returns are late"}},
		{"returns: silent where the portal keeps none", func(in *quality.Inputs) { in.Returns = nil }, nil, "returns", nil, nil},

		{"documents: none expired", nil, nil, "documents", []quality.RAG{quality.Green}, []string{"No documents on file have expired"}},
		{"documents: expired is amber", func(in *quality.Inputs) {
			in.ExpiredDocuments, in.FirstExpiredOn, in.ExpiredNames = 4, day(-3), []string{"fire-risk.pdf", "h-and-s.pdf", "lease.pdf"}
		}, nil, "documents", []quality.RAG{quality.Amber}, []string{"4 documents on file have expired: fire-risk.pdf, h-and-s.pdf, lease.pdf and 1 more. The first expired on 12 March 2026."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := complete()
			if tt.inputs != nil {
				tt.inputs(in)
			}
			s := quality.DefaultSettings()
			if tt.settings != nil {
				tt.settings(&s)
			}
			res := quality.Evaluate(in, s, today)
			got := reasonsOf(res, tt.rule)
			var rags []quality.RAG
			for _, r := range got {
				rags = append(rags, r.RAG)
				if strings.TrimSpace(r.Why) == "" || !strings.HasSuffix(r.Why, ".") {
					t.Errorf("reason %+v does not say why in a sentence", r)
				}
			}
			if !slices.Equal(rags, tt.want) {
				t.Fatalf("rule %s: ratings %v, want %v (reasons %+v)", tt.rule, rags, tt.want, got)
			}
			for i, w := range tt.why {
				if !strings.Contains(got[i].Why, w) {
					t.Errorf("rule %s reason %d: %q does not say %q", tt.rule, i, got[i].Why, w)
				}
			}
			// The overall rating is the worst reason, and only a green provider has no concerns.
			worst := quality.Green
			for _, r := range res.Reasons {
				if r.RAG == quality.Red || (r.RAG == quality.Amber && worst == quality.Green) {
					worst = r.RAG
				}
			}
			if res.RAG != worst {
				t.Errorf("overall %s, worst reason %s", res.RAG, worst)
			}
		})
	}
}

// TestComplianceGreenSaysWhy: a provider with nothing wrong is green, with a green reason
// from every rule that applies, so the green rating explains itself too.
func TestComplianceGreenSaysWhy(t *testing.T) {
	res := quality.Evaluate(complete(), quality.DefaultSettings(), today)
	if res.RAG != quality.Green || len(res.Concerns()) != 0 {
		t.Fatalf("complete provider: %s with concerns %+v", res.RAG, res.Concerns())
	}
	var rules []string
	for _, r := range res.Reasons {
		rules = append(rules, r.Rule)
	}
	for _, rule := range quality.Rules {
		if !slices.Contains(rules, rule.Key) {
			t.Errorf("rule %s (%s) gave no reason", rule.Key, rule.Title)
		}
	}
}

// TestComplianceRedKPIAndVisitAreNeverGreen is the provider of issue 15: everything else
// green, a red KPI and a "requires improvement" QA visit. It is red overall, and the reasons
// say why.
func TestComplianceRedKPIAndVisitAreNeverGreen(t *testing.T) {
	in := complete()
	in.LatestVisit.Grade = quality.GradeRequiresImprovement
	in.KPIs = []contract.KPIRating{kpiRating("Education attendance", contract.Red)}
	res := quality.Evaluate(in, quality.DefaultSettings(), today)
	if res.RAG != quality.Red {
		t.Fatalf("overall %s, want red", res.RAG)
	}
	concerns := res.Concerns()
	if len(concerns) != 2 || concerns[0].Rule != "kpis" || concerns[0].RAG != quality.Red || concerns[1].Rule != "qa_visit" || concerns[1].RAG != quality.Amber {
		t.Errorf("concerns %+v", concerns)
	}
	// A "requires improvement" visit alone makes an otherwise green provider amber.
	in.KPIs = []contract.KPIRating{kpiRating("Education attendance", contract.Green)}
	if res := quality.Evaluate(in, quality.DefaultSettings(), today); res.RAG != quality.Amber {
		t.Errorf("with only the visit: %s, want amber", res.RAG)
	}
}

// TestComplianceSupportedAccommodationFrom28October2023: supported accommodation for 16 and
// 17 year olds must be registered with Ofsted from 28 October 2023, not before.
func TestComplianceSupportedAccommodationFrom28October2023(t *testing.T) {
	in := complete()
	in.ServiceCategories = []string{"supported_accommodation"}
	in.Regulation.OfstedRegistered, in.Regulation.Ofsted = "no", nil
	for _, tt := range []struct {
		on   time.Time
		want quality.RAG
	}{
		{time.Date(2023, 10, 27, 0, 0, 0, 0, time.UTC), quality.Green},
		{time.Date(2023, 10, 28, 0, 0, 0, 0, time.UTC), quality.Red},
	} {
		got := reasonsOf(quality.Evaluate(in, quality.DefaultSettings(), tt.on), "ofsted")
		if len(got) != 1 || got[0].RAG != tt.want {
			t.Errorf("on %s: %+v, want %s", tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
}

// TestComplianceOrdersWorstFirst: the reasons come red, then amber, then green, and the
// overall rating is the worst.
func TestComplianceOrdersWorstFirst(t *testing.T) {
	in := complete()
	in.OverdueActions, in.OldestActionDue = 1, day(-3)
	in.Regulation.Ofsted[0].Judgement = "inadequate"
	res := quality.Evaluate(in, quality.DefaultSettings(), today)
	if res.RAG != quality.Red {
		t.Fatalf("overall %s, want red", res.RAG)
	}
	if res.Reasons[0].Rule != "ofsted" || res.Reasons[0].RAG != quality.Red || res.Reasons[1].Rule != "qa_actions" || res.Reasons[1].RAG != quality.Amber {
		t.Errorf("reasons not worst first: %+v", res.Reasons)
	}
	for i := 1; i < len(res.Reasons); i++ {
		if rank(res.Reasons[i].RAG) > rank(res.Reasons[i-1].RAG) {
			t.Errorf("reason %d (%s) after a better one", i, res.Reasons[i].RAG)
		}
	}
}

func rank(r quality.RAG) int { return 2 - slices.Index(quality.RAGs, r) }

// TestComplianceFromDatabase computes a provider's compliance from what is stored: approved
// sections (not the working copies), overdue QA actions, late monitoring returns from the
// contracts tables, expired documents, and thresholds from the settings table.
func TestComplianceFromDatabase(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ins := expiring(insurance(), provider.PolicyPublicLiability, day(45))
	w.approve(t, w.OrgID, provider.SectionInsurance, ins)
	w.approve(t, w.OrgID, provider.SectionRegulation, &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "requires_improvement", JudgementDate: dateInput(day(-60))}}})
	w.approve(t, w.OrgID, provider.SectionSafeguarding, &provider.SafeguardingAnswers{Staff: []provider.StaffMember{staff("Sam Carer", day(-500))}})
	// The working copy says inadequate, but only the approved one counts.
	if _, err := w.DB.Exec(`UPDATE provider_sections SET data = jsonb_set(data, '{ofsted,0,judgement}', '"inadequate"'), pending_review = true
		WHERE organisation_id = $1 AND section = 'regulation'`, w.OrgID); err != nil {
		t.Fatal(err)
	}
	visit := w.visit(t, w.OrgID, day(-60))
	w.action(t, visit, day(-40)) // 40 days overdue: red
	w.action(t, visit, day(10))  // not due yet
	_, kpi := w.contract(t, w.OrgID, "CT-1", day(300), "")
	w.monitoringReturn(t, kpi, day(-5), false) // late
	w.monitoringReturn(t, kpi, day(-35), true) // made
	if _, err := w.DB.Exec(`INSERT INTO documents (organisation_id, kind, filename, content_type, size_bytes, sha256, content, expires_on)
		VALUES ($1, 'policy', 'fire-risk-assessment.pdf', 'application/pdf', 5, '\x00', '%PDF-', $2)`, w.OrgID, day(-2)); err != nil {
		t.Fatal(err)
	}

	res, err := quality.Compliance(w.Ctx, w.DB, w.OrgID, today)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		rag quality.RAG
		why string
	}{
		"insurance":           {quality.Green, "next to expire is the public liability policy, on 29 April 2026"},
		"employers_liability": {quality.Green, "£6,000,000"},
		"dbs":                 {quality.Amber, "1 of 1 current staff"},
		"ofsted":              {quality.Amber, "requires improvement to be good on 14 January 2026. A change to this section is waiting"},
		"cqc":                 {quality.Green, "Not registered with the CQC"},
		"qa_actions":          {quality.Red, "1 quality assurance action is overdue; the oldest was due on 3 February 2026, 40 days ago"},
		"returns":             {quality.Amber, "1 monitoring return is late; the oldest was due on 10 March 2026"},
		"documents":           {quality.Amber, "fire-risk-assessment.pdf"},
	}
	for rule, w := range want {
		got := reasonsOf(res, rule)
		if len(got) != 1 || got[0].RAG != w.rag || !strings.Contains(got[0].Why, w.why) {
			t.Errorf("rule %s: %+v, want one %s reason saying %q", rule, got, w.rag, w.why)
		}
	}
	if res.RAG != quality.Red {
		t.Errorf("overall %s, want red", res.RAG)
	}

	// Thresholds come from the settings: a 60-day insurance warning makes the policy
	// expiring in 45 days amber; a 60-day red line makes the 40-day-old action amber.
	w.setting(t, quality.SettingInsuranceWarningDays, "60")
	w.setting(t, quality.SettingQAOverdueRedDays, "60")
	res, err = quality.Compliance(w.Ctx, w.DB, w.OrgID, today)
	if err != nil {
		t.Fatal(err)
	}
	if got := reasonsOf(res, "insurance"); len(got) != 1 || got[0].RAG != quality.Amber || !strings.Contains(got[0].Why, "within 60 days") {
		t.Errorf("insurance with a 60-day warning: %+v", got)
	}
	if got := reasonsOf(res, "qa_actions"); len(got) != 1 || got[0].RAG != quality.Amber {
		t.Errorf("QA actions with a 60-day red line: %+v", got)
	}
	if res.RAG != quality.Amber {
		t.Errorf("overall %s, want amber", res.RAG)
	}

	if _, err := quality.Compliance(w.Ctx, w.DB, "00000000-0000-4000-8000-000000000000", today); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("unknown provider: %v, want not found", err)
	}
}

// TestRefreshCompliance stores every provider's rating for the directory and dashboard, and a
// QA change refreshes its provider's row at once.
func TestRefreshCompliance(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.approve(t, w.OrgID, provider.SectionInsurance, insurance())
	red := w.organisation(t, "Birchwood Care")
	w.approve(t, red, provider.SectionInsurance, expiring(insurance(), provider.PolicyEmployersLiability, day(-1)))
	bare := w.organisation(t, "Cedar Homes") // nothing approved: amber

	n, err := quality.RefreshCompliance(w.Ctx, w.DB, today)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("rated %d providers, want 3", n)
	}
	for id, want := range map[string]quality.RAG{w.OrgID: quality.Amber, red: quality.Red, bare: quality.Amber} {
		st, err := quality.StoredCompliance(w.Ctx, w.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.RAG != want || !st.ComputedOn.Equal(today) || len(st.Reasons) == 0 {
			t.Errorf("stored for %s: %s on %s with %d reasons, want %s today", id, st.RAG, st.ComputedOn, len(st.Reasons), want)
		}
	}
	rags, err := quality.StoredRAGs(w.Ctx, w.DB, []string{w.OrgID, red, bare})
	if err != nil {
		t.Fatal(err)
	}
	if rags[w.OrgID] != quality.Amber || rags[red] != quality.Red || rags[bare] != quality.Amber {
		t.Errorf("stored ratings %v", rags)
	}
	counts, err := quality.RAGCounts(w.Ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	if want := []quality.RAGCount{{quality.Red, 1}, {quality.Amber, 2}, {quality.Green, 0}}; !slices.Equal(counts, want) {
		t.Errorf("counts %v, want %v", counts, want)
	}

	// An action recorded today that is already long overdue turns the first provider red at once.
	visit := w.visit(t, w.OrgID, day(-90))
	w.action(t, visit, day(-35))
	st, err := quality.StoredCompliance(w.Ctx, w.DB, w.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if st.RAG != quality.Red || len(reasonsOf(st.Result, "qa_actions")) != 1 || reasonsOf(st.Result, "qa_actions")[0].RAG != quality.Red {
		t.Errorf("after an overdue action: stored %s %+v", st.RAG, reasonsOf(st.Result, "qa_actions"))
	}
}

// TestReminderThreshold: the reminder due is the smallest reminder day at least the days left.
func TestReminderThreshold(t *testing.T) {
	days := []int{60, 30, 7}
	tests := []struct {
		left int
		want int
		ok   bool
	}{
		{61, 0, false}, {60, 60, true}, {45, 60, true}, {31, 60, true}, {30, 30, true}, {8, 30, true},
		{7, 7, true}, {1, 7, true}, {0, 7, true}, {-1, 0, false},
	}
	for _, tt := range tests {
		got, ok := quality.ReminderThreshold(day(tt.left), today, days)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%d days left: %d %v, want %d %v", tt.left, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDBSDue(t *testing.T) {
	m := staff("Sam", time.Date(2025, time.May, 31, 0, 0, 0, 0, time.UTC))
	last, ok := quality.LastDBSCheck(m)
	if !ok || !last.Equal(time.Date(2025, time.May, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("last check %s %v", last, ok)
	}
	if due := quality.DBSDue(last, quality.DefaultSettings()); !due.Equal(time.Date(2026, time.May, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("due %s", due)
	}
}

// TestComplianceFromDatabaseRegistrationVisitAndKPIs reads the services on the approved
// organisation section, the latest QA visit's grade and the latest accepted KPI values from
// the database: an unregistered children's home with a "requires improvement" visit and a
// red KPI is red with each reason. CurrentCompliance stores exactly what it shows, and a
// settings change re-rates the stored row at once.
func TestComplianceFromDatabaseRegistrationVisitAndKPIs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.approve(t, w.OrgID, provider.SectionOrganisation, &provider.OrganisationAnswers{LegalName: "Acorn Homes Ltd",
		ServiceCategories: []string{"childrens_homes", "short_breaks"}})
	w.approve(t, w.OrgID, provider.SectionRegulation, &provider.RegulationAnswers{OfstedRegistered: "no", CQCRegistered: "no",
		NotRegisteredReason: "We are applying."})
	w.visit(t, w.OrgID, day(-20)) // graded requires improvement
	_, kpi := w.contract(t, w.OrgID, "CT-9", day(300), "")
	if _, err := w.DB.Exec(`INSERT INTO monitoring_returns (kpi_id, period_start, period_end, due_date, status, value, submitted_at, accepted_at)
		VALUES ($1, $2, $3, $4, 'accepted', 65, $5, $5)`, kpi, day(-60), day(-31), day(-16), day(-16)); err != nil {
		t.Fatal(err)
	}
	res, err := quality.CurrentCompliance(w.Ctx, w.DB, w.OrgID, today)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		rag quality.RAG
		why string
	}{
		"ofsted":   {quality.Red, "Not registered with Ofsted, but it provides children's homes, which must be registered with Ofsted."},
		"qa_visit": {quality.Amber, "The latest quality assurance visit, on 23 February 2026, graded the provider requires improvement."},
		"kpis":     {quality.Red, "Placement stability on contract CT-9 is red, 65% for the period to 12 February 2026."},
	}
	for rule, w := range want {
		got := reasonsOf(res, rule)
		if len(got) != 1 || got[0].RAG != w.rag || got[0].Why != w.why {
			t.Errorf("rule %s: %+v, want one %s reason saying %q", rule, got, w.rag, w.why)
		}
	}
	if res.RAG != quality.Red {
		t.Errorf("overall %s, want red", res.RAG)
	}
	stored, err := quality.StoredCompliance(w.Ctx, w.DB, w.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.RAG != res.RAG || !slices.Equal(stored.Reasons, res.Reasons) || !stored.ComputedOn.Equal(today) {
		t.Errorf("stored %s %+v, shown %s %+v", stored.RAG, stored.Reasons, res.RAG, res.Reasons)
	}

	// Registered with Ofsted, judged good 2 years ago: green by the 3-year default, then
	// amber in the stored row the moment the age setting is cut to 1 year.
	w.approve(t, w.OrgID, provider.SectionRegulation, &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
		Ofsted: []provider.OfstedRegistration{{URN: "SC057941", Judgement: "good", JudgementDate: dateInput(today.AddDate(-2, 0, 0))}}})
	if res, err = quality.CurrentCompliance(w.Ctx, w.DB, w.OrgID, today); err != nil {
		t.Fatal(err)
	}
	if got := reasonsOf(res, "ofsted"); len(got) != 1 || got[0].RAG != quality.Green {
		t.Fatalf("registered, judged 2 years ago: %+v", got)
	}
	before, err := quality.LoadSettings(w.Ctx, w.DB)
	if err != nil {
		t.Fatal(err)
	}
	in := before.Input()
	in.JudgementMaxAgeYears = "1"
	if err := w.service().UpdateSettings(w.Ctx, in, before.Fingerprint()); err != nil {
		t.Fatal(err)
	}
	if stored, err = quality.StoredCompliance(w.Ctx, w.DB, w.OrgID); err != nil {
		t.Fatal(err)
	}
	var ofsted []quality.Reason
	for _, r := range stored.Reasons {
		if r.Rule == "ofsted" {
			ofsted = append(ofsted, r)
		}
	}
	if len(ofsted) != 1 || ofsted[0].RAG != quality.Amber || !strings.Contains(ofsted[0].Why, "more than 1 year ago") {
		t.Errorf("stored after the settings change: %+v", ofsted)
	}
	var audited int
	if err := w.DB.Get(&audited, `SELECT (summary->'judgement_max_age_years'->>'to')::int FROM audit_events WHERE action = 'quality.settings.updated'`); err != nil || audited != 1 {
		t.Errorf("audited judgement age %d (%v), want 1", audited, err)
	}
}
