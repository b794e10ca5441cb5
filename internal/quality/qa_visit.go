package quality

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/form"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// VisitInput is the visit form as typed.
type VisitInput struct {
	VisitedOn form.DateInput `form:"visited_on" label:"the date of the visit"`
	Type      string         `form:"type" label:"whether the visit was announced"`
	Officers  []string       `form:"officers" label:"the officers"`
	Areas     []string       `form:"areas" label:"the areas reviewed"`
	Findings  string         `form:"findings" multiline:"true" label:"the findings"`
	Grade     string         `form:"grade" label:"the grade"`
}

// VisitFieldOrder is the visit form's fields in page order, for the error summary.
var VisitFieldOrder = []string{"visited_on", "type", "officers", "areas", "findings", "grade"}

// VisitInputOf fills the form from a stored visit, for editing.
func VisitInputOf(v *Visit) VisitInput {
	t := "unannounced"
	if v.Announced {
		t = "announced"
	}
	return VisitInput{VisitedOn: form.DateInputOf(&v.VisitedOn), Type: t, Officers: v.OfficerIDs(),
		Areas: []string(v.Areas), Findings: v.Findings, Grade: string(v.Grade)}
}

// visitFields are a checked visit, ready to store.
type visitFields struct {
	visitedOn time.Time
	announced bool
	officers  []string
	areas     []string
	findings  string
	grade     Grade
}

// check validates the form against today (a visit is recorded once made, so its date is not
// in the future) and returns one message per field that is wrong.
func (in VisitInput) check(today time.Time) (visitFields, map[string]string) {
	var out visitFields
	errs := map[string]string{}
	d, msg := in.VisitedOn.Time("the date of the visit")
	switch {
	case msg != "":
		errs["visited_on"] = msg
	case d.After(today):
		errs["visited_on"] = "The date of the visit must be today or in the past"
	case d.Year() < 2000:
		errs["visited_on"] = "The date of the visit must be in 2000 or later"
	}
	out.visitedOn = d
	switch in.Type {
	case "announced", "unannounced":
		out.announced = in.Type == "announced"
	default:
		errs["type"] = "Select whether the visit was announced or unannounced"
	}
	for _, id := range in.Officers {
		if !db.IsUUID(id) {
			errs["officers"] = "Select the officers who made the visit from the list"
			break
		}
		if !slices.Contains(out.officers, id) {
			out.officers = append(out.officers, id)
		}
	}
	if len(in.Officers) == 0 {
		errs["officers"] = "Select the officers who made the visit"
	}
	for _, a := range in.Areas {
		if !isOption(Areas, a) {
			errs["areas"] = "Select the areas reviewed from the list"
			break
		}
		if !slices.Contains(out.areas, a) {
			out.areas = append(out.areas, a)
		}
	}
	if len(in.Areas) == 0 {
		errs["areas"] = "Select the areas the visit reviewed"
	}
	out.findings = strings.TrimSpace(in.Findings)
	if out.findings == "" {
		errs["findings"] = "Enter the findings of the visit"
	}
	if !isOption(Grades, in.Grade) {
		errs["grade"] = "Select the overall grade"
	}
	out.grade = Grade(in.Grade)
	return out, errs
}

// officersNamed reads the named officers, refusing anyone who is not an active officer.
func officersNamed(ctx context.Context, tx *sqlx.Tx, ids []string) ([]Officer, error) {
	var out []Officer
	err := tx.SelectContext(ctx, &out, `SELECT id, name, email FROM users
		WHERE id = ANY($1::uuid[]) AND 'officer' = ANY(roles) AND disabled_at IS NULL ORDER BY name`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("visit officers: %w", err)
	}
	if len(out) != len(ids) {
		return nil, apperr.InvalidFields(map[string]string{"officers": "Select the officers who made the visit from the list"})
	}
	return out, nil
}

func setOfficers(ctx context.Context, tx *sqlx.Tx, visitID string, officers []Officer) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM qa_visit_officers WHERE visit_id = $1`, visitID); err != nil {
		return fmt.Errorf("clear visit officers: %w", err)
	}
	for _, o := range officers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO qa_visit_officers (visit_id, user_id, officer_name) VALUES ($1, $2, $3)`,
			visitID, o.ID, o.Name); err != nil {
			return fmt.Errorf("add visit officer: %w", err)
		}
	}
	return nil
}

// RecordVisit records a visit to a provider. It returns the new visit's id, or an Invalid
// error with one message per field.
func (s *Service) RecordVisit(ctx context.Context, orgID string, in VisitInput) (string, error) {
	today := s.Today()
	f, errs := in.check(today)
	if len(errs) > 0 {
		return "", apperr.InvalidFields(errs)
	}
	var id string
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := provider.OrganisationByID(ctx, tx, orgID); err != nil {
			return err
		}
		who, err := currentActor(ctx, tx)
		if err != nil {
			return err
		}
		officers, err := officersNamed(ctx, tx, f.officers)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO qa_visits (organisation_id, visited_on, announced, areas, findings, grade, created_by, created_by_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			orgID, f.visitedOn, f.announced, pq.Array(f.areas), f.findings, string(f.grade), who.ID, who.Name)
		if err != nil {
			return fmt.Errorf("record visit: %w", err)
		}
		if err := setOfficers(ctx, tx, id, officers); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s visit on %s, graded %s", visitTypeWord(f.announced), displayDate(f.visitedOn), f.grade.Label())
		if err := record(ctx, tx, "quality.visit.recorded", orgID, detail, map[string]any{
			"visit_id": id, "visited_on": f.visitedOn.Format(time.DateOnly), "announced": f.announced,
			"grade": string(f.grade), "areas": f.areas, "officers": officerIDs(officers)}); err != nil {
			return err
		}
		return RefreshProvider(ctx, tx, orgID, today)
	})
	return id, err
}

// UpdateVisit changes a visit. version is the one the editor read; a change since is a
// conflict. The audit event names each field that changed, with its values before and after
// (the findings are long, so only that they changed).
func (s *Service) UpdateVisit(ctx context.Context, visitID string, version int, in VisitInput) error {
	today := s.Today()
	f, errs := in.check(today)
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		before, err := VisitByID(ctx, tx, visitID, today)
		if err != nil {
			return err
		}
		officers, err := officersNamed(ctx, tx, f.officers)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE qa_visits SET visited_on = $2, announced = $3, areas = $4, findings = $5, grade = $6,
			version = version + 1, updated_at = now() WHERE id = $1 AND version = $7`,
			visitID, f.visitedOn, f.announced, pq.Array(f.areas), f.findings, string(f.grade), version)
		if err != nil {
			return fmt.Errorf("update visit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Someone else changed this visit since you opened it. Look at it again before you change it")
		}
		if err := setOfficers(ctx, tx, visitID, officers); err != nil {
			return err
		}
		changes := map[string]any{}
		diff := func(name string, from, to any) {
			if fmt.Sprint(from) != fmt.Sprint(to) {
				changes[name] = map[string]any{"from": from, "to": to}
			}
		}
		diff("visited_on", before.VisitedOn.Format(time.DateOnly), f.visitedOn.Format(time.DateOnly))
		diff("announced", before.Announced, f.announced)
		diff("grade", string(before.Grade), string(f.grade))
		diff("areas", []string(before.Areas), f.areas)
		diff("officers", sorted(before.OfficerIDs()), sorted(officerIDs(officers)))
		if before.Findings != f.findings {
			changes["findings"] = "changed"
		}
		detail := fmt.Sprintf("Visit on %s changed", displayDate(f.visitedOn))
		if len(changes) == 0 {
			detail = fmt.Sprintf("Visit on %s saved without changes", displayDate(f.visitedOn))
		}
		if err := record(ctx, tx, "quality.visit.updated", before.OrganisationID, detail,
			map[string]any{"visit_id": visitID, "changes": changes}); err != nil {
			return err
		}
		return RefreshProvider(ctx, tx, before.OrganisationID, today)
	})
}

func visitTypeWord(announced bool) string {
	if announced {
		return "Announced"
	}
	return "Unannounced"
}

func officerIDs(officers []Officer) []string {
	out := make([]string, len(officers))
	for i, o := range officers {
		out[i] = o.ID
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
