package seed

import (
	"strings"
	"time"

	"github.com/council/provider-portal/internal/quality"
	"github.com/lib/pq"
)

var gradeWeights = []choice[quality.Grade]{
	{quality.GradeOutstanding, 12}, {quality.GradeGood, 60}, {quality.GradeRequiresImprovement, 22}, {quality.GradeInadequate, 6},
}

// writeVisits gives some payable providers quality assurance visits within the last two
// years, with the actions they found: most done and closed, some still open past their due
// date (the dashboard's overdue list and the compliance rule's amber and red).
func (g *generator) writeVisits(r rng, rec *record, b *batch) {
	n := weighted(r, []choice[int]{{0, 60}, {1, 30}, {2, 10}})
	for range n {
		id := r.uuid()
		visited := daysAgo(g.today, r.between(3, 700))
		if visited.Before(rec.decided) {
			visited = rec.decided.Truncate(24 * time.Hour)
		}
		areas := make([]string, 0, 4)
		for _, a := range quality.Areas {
			if r.chance(30) {
				areas = append(areas, a.Value)
			}
		}
		if len(areas) == 0 {
			areas = append(areas, pick(r, quality.Areas).Value)
		}
		findings := make([]string, 0, 3)
		for range r.between(2, 3) {
			findings = append(findings, pick(r, visitFindings))
		}
		grade := weighted(r, gradeWeights)
		officer := pick(r, g.staff.officers)
		recorded := g.notAfter(at(visited.AddDate(0, 0, r.between(0, 5)), r))
		b.add(tVisits, id, rec.id, dateText(visited), r.chance(50), pq.StringArray(areas), strings.Join(findings, "\n"), string(grade),
			officer.ID, officer.Name, recorded, recorded)
		b.add(tVisitOfficers, id, officer.ID, officer.Name)
		b.add(tAudit, officer.ID, officer.Email, "officer", "quality.visit.recorded", "organisation", rec.id,
			jsonText(map[string]any{"visit_id": id, "detail": "Visit on " + visited.Format("2 January 2006") + " recorded, graded " + grade.Label()}))
		actions := 0
		switch grade {
		case quality.GradeRequiresImprovement:
			actions = r.between(1, 3)
		case quality.GradeInadequate:
			actions = r.between(2, 4)
		case quality.GradeGood:
			actions = r.between(0, 2)
		}
		for range actions {
			g.writeAction(r, rec, id, officer, visited, recorded, b)
		}
	}
}

func (g *generator) writeAction(r rng, rec *record, visitID string, officer person, visited, recorded time.Time, b *batch) {
	id := r.uuid()
	due := visited.AddDate(0, 0, r.between(14, 90))
	var status quality.ActionStatus
	if due.Before(g.today) {
		status = weighted(r, []choice[quality.ActionStatus]{{quality.ActionClosed, 70}, {quality.ActionCompleted, 20}, {quality.ActionOpen, 6}, {quality.ActionInProgress, 4}})
	} else {
		status = weighted(r, []choice[quality.ActionStatus]{{quality.ActionOpen, 60}, {quality.ActionInProgress, 30}, {quality.ActionCompleted, 10}})
	}
	var closedAt, closedBy any
	closedName, note := "", ""
	if status == quality.ActionClosed {
		closedAt, closedBy, closedName, note = g.notAfter(at(due.AddDate(0, 0, r.between(-10, 10)), r)), officer.ID, officer.Name, "Checked at the follow-up visit."
		if closedAt.(time.Time).Before(recorded) {
			closedAt = recorded
		}
	}
	b.add(tActions, id, visitID, rec.id, pick(r, actionTexts), rec.user.Name, rec.user.Email, dateText(due), string(status), note,
		closedBy, closedName, closedAt, officer.ID, officer.Name, recorded, recorded)
	if status == quality.ActionInProgress || status == quality.ActionCompleted || status == quality.ActionClosed {
		respStatus := quality.ActionCompleted
		if status == quality.ActionInProgress {
			respStatus = quality.ActionInProgress
		}
		b.add(tActionResponses, id, rec.id, "We have put this in hand; the evidence is with our quality lead.", string(respStatus),
			rec.user.ID, rec.user.Name, g.notAfter(recorded.Add(time.Duration(r.between(24, 600))*time.Hour)))
	}
}
