package quality

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/contract"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// loadInputs reads what the rules need for a batch of providers in a handful of queries
// (never one per provider), so the same code serves one provider's page and the refresh of
// every provider.
func loadInputs(ctx context.Context, q sqlx.QueryerContext, orgIDs []string, today time.Time) (map[string]*Inputs, error) {
	out := make(map[string]*Inputs, len(orgIDs))
	for _, id := range orgIDs {
		if !db.IsUUID(id) {
			return nil, apperr.New(apperr.NotFound, "Provider not found")
		}
		out[id] = &Inputs{}
	}
	orgIs, ids := db.InIDs("organisation_id", "$1", orgIDs)
	if err := loadSections(ctx, q, orgIDs, out); err != nil {
		return nil, err
	}
	var actions []struct {
		OrgID  string    `db:"organisation_id"`
		N      int       `db:"n"`
		Oldest time.Time `db:"oldest"`
	}
	if err := sqlx.SelectContext(ctx, q, &actions, `SELECT organisation_id, count(*) AS n, min(due_on) AS oldest FROM qa_actions
		WHERE `+orgIs+` AND status IN ('open','in_progress') AND due_on < $2 GROUP BY organisation_id`, ids, today); err != nil {
		return nil, fmt.Errorf("overdue actions: %w", err)
	}
	for _, a := range actions {
		out[a.OrgID].OverdueActions, out[a.OrgID].OldestActionDue = a.N, a.Oldest
	}
	var docs []struct {
		OrgID string         `db:"organisation_id"`
		N     int            `db:"n"`
		First time.Time      `db:"first"`
		Names pq.StringArray `db:"names"`
	}
	if err := sqlx.SelectContext(ctx, q, &docs, `SELECT organisation_id, count(*) AS n, min(expires_on) AS first,
			(array_agg(filename ORDER BY expires_on, filename))[1:3] AS names
		FROM documents WHERE `+orgIs+` AND expires_on < $2 GROUP BY organisation_id`, ids, today); err != nil {
		return nil, fmt.Errorf("expired documents: %w", err)
	}
	for _, d := range docs {
		in := out[d.OrgID]
		in.ExpiredDocuments, in.FirstExpiredOn, in.ExpiredNames = d.N, d.First, d.Names
	}
	if err := loadPublished(ctx, q, orgIDs, out); err != nil {
		return nil, err
	}
	var visits []struct {
		OrgID     string    `db:"organisation_id"`
		VisitedOn time.Time `db:"visited_on"`
		Grade     Grade     `db:"grade"`
	}
	if err := sqlx.SelectContext(ctx, q, &visits, `SELECT DISTINCT ON (organisation_id) organisation_id, visited_on, grade FROM qa_visits
		WHERE `+orgIs+` ORDER BY organisation_id, visited_on DESC, created_at DESC`, ids); err != nil {
		return nil, fmt.Errorf("latest visits: %w", err)
	}
	for _, v := range visits {
		out[v.OrgID].LatestVisit = &VisitGrade{VisitedOn: v.VisitedOn, Grade: v.Grade}
	}
	kpis, err := contract.LatestKPIRatingsByProvider(ctx, q, orgIDs)
	if err != nil {
		return nil, err
	}
	for id, in := range out {
		in.KPIs = kpis[id]
	}
	return out, loadLateReturns(ctx, q, orgIDs, today, out)
}

// ruleSections are the sections the rules read, by key.
var ruleSections = []provider.SectionKey{provider.SectionOrganisation, provider.SectionInsurance, provider.SectionRegulation, provider.SectionSafeguarding}

// ruleSectionList is ruleSections as an SQL list of literals: written into the statement,
// not bound as an array, so its prepared plan serves every provider (see db.InIDs).
var ruleSectionList = func() string {
	quoted := make([]string, len(ruleSections))
	for i, k := range ruleSections {
		quoted[i] = pq.QuoteLiteral(string(k))
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}()

// loadSections decodes the approved organisation, insurance, regulation and safeguarding sections. A
// section never approved is left nil: the rules say so.
func loadSections(ctx context.Context, q sqlx.QueryerContext, orgIDs []string, out map[string]*Inputs) error {
	var rows []struct {
		OrgID    string `db:"organisation_id"`
		Section  string `db:"section"`
		Approved []byte `db:"approved_data"`
		Pending  bool   `db:"pending_review"`
	}
	orgIs, ids := db.InIDs("organisation_id", "$1", orgIDs)
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT organisation_id, section, approved_data, pending_review FROM provider_sections
		WHERE `+orgIs+` AND section IN `+ruleSectionList, ids); err != nil {
		return fmt.Errorf("compliance sections: %w", err)
	}
	for _, r := range rows {
		def, ok := provider.SectionByKey(r.Section)
		if !ok {
			continue
		}
		rec := provider.SectionRecord{Key: def.Key, ApprovedData: r.Approved}
		answers, err := rec.Approved(def)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("compliance of %s: %w", r.OrgID, err)
		}
		in := out[r.OrgID]
		switch a := answers.(type) {
		case *provider.OrganisationAnswers:
			in.ServiceCategories = a.ServiceCategories
		case *provider.InsuranceAnswers:
			in.Insurance = a
		case *provider.RegulationAnswers:
			in.Regulation = a
		case *provider.SafeguardingAnswers:
			in.Safeguarding = a
		}
		switch def.Key {
		case provider.SectionInsurance:
			in.InsurancePending = r.Pending
		case provider.SectionRegulation:
			in.RegulationPending = r.Pending
		case provider.SectionSafeguarding:
			in.SafeguardingPending = r.Pending
		}
	}
	return nil
}

// loadLateReturns counts each provider's monitoring returns still due after their due date,
// on contracts past their draft, through internal/contract, which owns them.
func loadLateReturns(ctx context.Context, q sqlx.QueryerContext, orgIDs []string, today time.Time, out map[string]*Inputs) error {
	late, err := contract.LateReturnsByProvider(ctx, q, today, orgIDs)
	if err != nil {
		return err
	}
	for id, in := range out {
		in.Returns = &LateReturns{}
		if l, ok := late[id]; ok {
			in.Returns = &LateReturns{Late: l.Count, OldestDue: l.OldestDue}
		}
	}
	return nil
}
