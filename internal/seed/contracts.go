package seed

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/council/provider-portal/internal/contract"
	"github.com/lib/pq"
)

// routeWeights is how the council buys: mostly call-offs from frameworks and spot purchases.
var routeWeights = []choice[contract.Route]{
	{contract.RouteFramework, 35}, {contract.RouteDPS, 18}, {contract.RouteBlock, 15}, {contract.RouteSpot, 26}, {contract.RouteGrant, 6},
}

// assignContracts chooses, for each of the run's contracts (numbered from first, after those
// already stored, so a later run's contracts are new ones), the payable provider that holds
// it. Earlier providers in the list are favoured (the square of a uniform draw), so some
// providers hold several contracts and most hold none, as in a real register.
func assignContracts(seed int64, payableIdx []int, first, contracts int) map[int][]int {
	out := map[int][]int{}
	if len(payableIdx) == 0 {
		return out
	}
	for j := first; j < first+contracts; j++ {
		u := newRNG(seed, streamOwner, j).Float64()
		owner := payableIdx[int(u*u*float64(len(payableIdx)))]
		out[owner] = append(out[owner], j)
	}
	return out
}

// writeContracts writes the provider's contracts with their KPIs and a return row for every
// reporting period, filled in as the provider and officers left them: accepted mostly, some
// waiting for review or queried, some late.
func (g *generator) writeContracts(rec *record, b *batch) {
	for _, j := range g.contracts[rec.index] {
		r := newRNG(g.seed, streamContract, j)
		g.writeContract(r, rec, j, b)
	}
}

func (g *generator) writeContract(r rng, rec *record, j int, b *batch) {
	id := r.uuid()
	category := pick(r, rec.categories)
	route := weighted(r, routeWeights)
	framework, lot := "", ""
	if route.NeedsFramework() {
		framework = pick(r, frameworks)
		lot = pick(r, lots)
	}
	// Started within the last forty months, and not before the provider registered.
	months := r.between(0, min(40, int(g.today.Sub(rec.created).Hours()/24/31)))
	start := time.Date(g.today.Year(), g.today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -months, 0)
	years := r.between(1, 3)
	end := start.AddDate(years, 0, -1)
	status, reason, terminated := "active", "", any(nil)
	switch {
	case end.Before(g.today):
		status = "ended"
	case r.chance(2) && months > 3:
		status, reason = "terminated", "Terminated by agreement after the service was recommissioned."
		t := daysAgo(g.today, r.between(1, 60))
		end, terminated = t, dateText(t)
	}
	extension, extMonths := "", 0
	if r.chance(40) {
		extension, extMonths = "Two optional extensions of 12 months each", 24
	}
	annual := int64(r.between(40, 2500)) * 1000_00
	manager := rec.officer
	created := g.notAfter(at(start.AddDate(0, 0, -r.between(15, 40)), r))
	reference := fmt.Sprintf("CYP-%d-%05d", start.Year(), j+1)
	title := pick(r, categoryNouns[category]) + " for the council's children and young people"
	b.add(tContracts, id, reference, title, rec.id, category, string(route), framework, lot, dateText(start), dateText(end), extension,
		extMonths, annual*int64(years), annual, pick(r, paymentTerms), manager.ID, status, dateText(start.AddDate(0, 0, -14)), reason,
		terminated, created, manager.ID, created, manager.ID,
		// Children's services are light touch; the maximum allows for every extension. No
		// random draw here, so the data generated from a seed stays the same.
		string(contract.LikelyProcedure(route, start.AddDate(0, 0, -14))), true, pq.StringArray{contract.WelfareServicesForChildren},
		annual*int64(years), annual*int64(years)+annual*int64(extMonths)/12)
	b.add(tAudit, manager.ID, manager.Email, "officer", "contract.created", "contract", id,
		jsonText(map[string]any{"organisation_id": rec.id, "reference": reference}))

	templates := slices.Clone(kpiTemplates[category])
	r.Shuffle(len(templates), func(a, c int) { templates[a], templates[c] = templates[c], templates[a] })
	for _, k := range templates[:min(len(templates), weighted(r, []choice[int]{{1, 45}, {2, 55}}))] {
		g.writeKPI(r, rec, id, manager, start, end, k, b)
	}
}

func (g *generator) writeKPI(r rng, rec *record, contractID string, officer person, start, end time.Time, k kpiTemplate, b *batch) {
	id := r.uuid()
	direction, freq := "lower", contract.Monthly
	if k.higher {
		direction = "higher"
	}
	if k.quarterly {
		freq = contract.Quarterly
	}
	created := g.notAfter(at(start.AddDate(0, 0, -7), r))
	b.add(tKPIs, id, contractID, k.name, k.unit, string(k.measure()), k.target, direction, k.amber, k.red, string(freq), created, created)
	periods := contract.Periods(start, end, freq)
	for _, p := range periods {
		g.writeReturn(r, rec, id, officer, k, p, b)
	}
}

// writeReturn writes one period's return: not yet due, made and in some state of review,
// or late.
func (g *generator) writeReturn(r rng, rec *record, kpiID string, officer person, k kpiTemplate, p contract.Period, b *batch) {
	id := r.uuid()
	due := p.End.AddDate(0, 0, g.returnDueDays)
	status := "due"
	switch {
	case !p.End.Before(g.today):
		// The period has not ended: nothing to report yet.
	case !due.Before(g.today):
		status = weighted(r, []choice[string]{{"submitted", 45}, {"due", 55}})
	default:
		// Per thousand: the latest periods are where returns are still outstanding; older ones
		// were chased and are seldom still missing.
		late := 4
		if daysBetween(due, g.today) < 120 {
			late = 70
		}
		status = weighted(r, []choice[string]{{"accepted", 1000 - late - 80}, {"submitted", 30}, {"queried", 30}, {"answered", 20}, {"due", late}})
	}
	if status == "due" {
		b.add(tReturns, id, kpiID, dateText(p.Start), dateText(p.End), dateText(due), "due", nil, "", nil, nil, "", nil, nil, "", 1, g.now)
		return
	}
	value := kpiValue(r, k)
	commentary := ""
	if contract.Rate(value, directionOf(k), k.amber, k.red) != contract.Green {
		commentary = pick(r, commentaries)
	}
	submitted := at(due.AddDate(0, 0, -r.between(0, 10)), r)
	if submitted.Before(p.End) {
		submitted = at(p.End, r)
	}
	submitted = g.notAfter(submitted)
	var accepted, acceptedBy any
	acceptedName := ""
	if status == "accepted" {
		accepted, acceptedBy, acceptedName = g.notAfter(submitted.Add(time.Duration(r.between(4, 120))*time.Hour)), officer.ID, officer.Name
	}
	b.add(tReturns, id, kpiID, dateText(p.Start), dateText(p.End), dateText(due), status, value, commentary, submitted, rec.user.ID,
		rec.user.Name, accepted, acceptedBy, acceptedName, 2, submitted)
	if status == "queried" || status == "answered" {
		b.add(tReturnNotes, id, "query", "Can you break this figure down by service, and say what changed from last period?", officer.ID,
			officer.Name, g.notAfter(submitted.Add(26*time.Hour)))
	}
	if status == "answered" {
		b.add(tReturnNotes, id, "answer", "The breakdown by service is attached; the change was two planned moves agreed at review.",
			rec.user.ID, rec.user.Name, g.notAfter(submitted.Add(40*time.Hour)))
	}
}

// measure is what the template's values are: percentages, or counts of what the unit names.
func (k kpiTemplate) measure() contract.Measure {
	if k.unit == "%" {
		return contract.MeasurePercentage
	}
	return contract.MeasureCount
}

func directionOf(k kpiTemplate) contract.Direction {
	if k.higher {
		return contract.HigherIsBetter
	}
	return contract.LowerIsBetter
}

// kpiValue draws a reported value: around the target most of the time, now and then past the
// amber or red boundary. Percentages stay within 0 to 100 and counts are whole.
func kpiValue(r rng, k kpiTemplate) float64 {
	spread := math.Abs(k.target-k.red) + 1
	v := k.target + r.NormFloat64()*spread*0.45
	if k.higher {
		v = k.target - math.Abs(v-k.target)*0.9 + spread*0.15
	} else {
		v = k.target + math.Abs(v-k.target)*0.9 - spread*0.15
	}
	v = max(v, 0)
	if k.unit == "%" {
		return math.Round(min(v, 100)*10) / 10
	}
	return math.Round(v)
}

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }
