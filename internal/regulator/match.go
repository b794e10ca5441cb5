package regulator

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Match is one row of a file whose identifier belongs to a provider, with what it changes.
type Match struct {
	RegulatorID    string    `json:"regulator_id"`
	OrganisationID string    `json:"organisation_id"`
	ProviderName   string    `json:"provider_name"`
	SettingName    string    `json:"setting_name"`
	Judgement      Judgement `json:"judgement"`
	JudgementDate  time.Time `json:"judgement_date"`

	// Previous is the judgement last published for the identifier, "" when this file is the
	// first; Declared is the provider's own rating for it on its approved record, in the
	// record's words ("good", "not_yet_inspected"…), "" when the record gives none.
	Previous     Judgement `json:"-"`
	PreviousDate time.Time `json:"-"`
	Declared     string    `json:"-"`
}

// Change says how the row differs from the last published judgement: "new" (none before),
// "changed" (judgement or date), or "" (the same).
func (m Match) Change() string {
	switch {
	case m.Previous == "":
		return "new"
	case m.Previous != m.Judgement || !m.PreviousDate.Equal(m.JudgementDate):
		return "changed"
	}
	return ""
}

// Fell reports a judgement worse than the one before it: the last published one, or, for the
// first file that names the identifier, the provider's own rating.
func (m Match) Fell() bool {
	before := string(m.Previous)
	if before == "" {
		before = m.Declared
	}
	return rank(string(m.Judgement)) > 0 && rank(before) > 0 && rank(string(m.Judgement)) > rank(before)
}

// Disagrees reports a provider's own rating that is not the regulator's: a different
// judgement, or "not yet inspected" where the regulator has published one.
func (m Match) Disagrees() bool {
	if m.Declared == "" || rank(string(m.Judgement)) == 0 {
		return false
	}
	return m.Declared != string(m.Judgement)
}

// DeclaredLabel is the provider's own rating in words.
func (m Match) DeclaredLabel() string {
	switch m.Declared {
	case "":
		return "None given"
	case "not_yet_inspected":
		return "Not yet inspected"
	case "not_yet_rated":
		return "Not yet rated"
	}
	return Judgement(m.Declared).Label()
}

// registration is a provider's own entry for an identifier on its approved record.
type registration struct {
	RegulatorID    string `db:"regulator_id"`
	OrganisationID string `db:"organisation_id"`
	ProviderName   string `db:"provider_name"`
	Declared       string `db:"declared"`
}

// registrationsSQL reads the identifiers providers have declared on the approved copy of
// their regulation section (internal/provider's Ofsted registrations and CQC locations): the
// copy an officer accepted, which compliance reads too.
var registrationsSQL = map[Source]string{
	Ofsted: `SELECT e->>'urn' AS regulator_id, s.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name,
			coalesce(e->>'judgement', '') AS declared
		FROM provider_sections s JOIN organisations o ON o.id = s.organisation_id
			CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.approved_data->'ofsted') = 'array' THEN s.approved_data->'ofsted' ELSE '[]' END) e
		WHERE s.section = 'regulation' AND s.approved_data->>'ofsted_registered' = 'yes' AND e->>'urn' = ANY($1)
		ORDER BY 1, 2`,
	CQC: `SELECT e->>'location_id' AS regulator_id, s.organisation_id, coalesce(nullif(o.legal_name, ''), o.name) AS provider_name,
			coalesce(e->>'rating', '') AS declared
		FROM provider_sections s JOIN organisations o ON o.id = s.organisation_id
			CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.approved_data->'cqc_locations') = 'array' THEN s.approved_data->'cqc_locations' ELSE '[]' END) e
		WHERE s.section = 'regulation' AND s.approved_data->>'cqc_registered' = 'yes' AND e->>'location_id' = ANY($1)
		ORDER BY 1, 2`,
}

// matchRows finds the providers whose approved record names each row's identifier. A row
// whose identifier no provider names is counted, not kept: the published files list every
// setting in England, and the portal keeps only its own providers' judgements. An identifier
// two providers both name matches both.
func matchRows(ctx context.Context, q sqlx.QueryerContext, source Source, rows []Row) ([]Match, int, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.RegulatorID)
	}
	var regs []registration
	if err := sqlx.SelectContext(ctx, q, &regs, registrationsSQL[source], pq.Array(ids)); err != nil {
		return nil, 0, fmt.Errorf("match %s identifiers: %w", source, err)
	}
	byID := map[string][]registration{}
	for _, r := range regs {
		byID[r.RegulatorID] = append(byID[r.RegulatorID], r)
	}
	var out []Match
	unmatched := 0
	seen := map[string]bool{}
	for _, r := range rows {
		found := byID[r.RegulatorID]
		if len(found) == 0 {
			unmatched++
			continue
		}
		for _, reg := range found {
			// A file lists a setting once; should it list one twice, the first row counts.
			key := r.RegulatorID + "/" + reg.OrganisationID
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Match{RegulatorID: r.RegulatorID, OrganisationID: reg.OrganisationID, ProviderName: reg.ProviderName,
				SettingName: r.Name, Judgement: r.Judgement, JudgementDate: r.JudgementDate, Declared: reg.Declared})
		}
	}
	return out, unmatched, nil
}

// compare fills each match's previous judgement (the latest applied for its identifier) and
// its provider's own rating as the record stands now, so a check shown again, or applied
// after another file, compares with what is in force then.
func compare(ctx context.Context, q sqlx.QueryerContext, source Source, ms []Match) error {
	if len(ms) == 0 {
		return nil
	}
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.RegulatorID)
	}
	latest, err := latestFor(ctx, q, source, ids)
	if err != nil {
		return err
	}
	var regs []registration
	if err := sqlx.SelectContext(ctx, q, &regs, registrationsSQL[source], pq.Array(ids)); err != nil {
		return fmt.Errorf("declared %s ratings: %w", source, err)
	}
	declared := map[string]string{}
	for _, r := range regs {
		declared[r.RegulatorID+"/"+r.OrganisationID] = r.Declared
	}
	for i := range ms {
		m := &ms[i]
		m.Previous, m.PreviousDate = "", time.Time{}
		if p, ok := latest[m.RegulatorID]; ok {
			m.Previous, m.PreviousDate = p.Judgement, p.JudgementDate
		}
		m.Declared = declared[m.RegulatorID+"/"+m.OrganisationID]
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].ProviderName != ms[j].ProviderName {
			return ms[i].ProviderName < ms[j].ProviderName
		}
		return ms[i].RegulatorID < ms[j].RegulatorID
	})
	return nil
}

// latestFor returns the latest applied judgement of each identifier from one source.
func latestFor(ctx context.Context, q sqlx.QueryerContext, source Source, ids []string) (map[string]Published, error) {
	var rows []publishedRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT DISTINCT ON (regulator_id) source, regulator_id, organisation_id, judgement,
			judgement_date, file_name, imported_at
		FROM regulator_judgements WHERE source = $1 AND regulator_id = ANY($2)
		ORDER BY regulator_id, imported_at DESC, judgement_date DESC NULLS LAST`, source, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("latest %s judgements: %w", source, err)
	}
	out := make(map[string]Published, len(rows))
	for _, r := range rows {
		out[r.RegulatorID] = r.published()
	}
	return out, nil
}

type publishedRow struct {
	Source         Source     `db:"source"`
	RegulatorID    string     `db:"regulator_id"`
	OrganisationID string     `db:"organisation_id"`
	Judgement      Judgement  `db:"judgement"`
	JudgementDate  *time.Time `db:"judgement_date"`
	FileName       string     `db:"file_name"`
	ImportedAt     time.Time  `db:"imported_at"`
}

func (r publishedRow) published() Published {
	p := Published{Source: r.Source, RegulatorID: r.RegulatorID, OrganisationID: r.OrganisationID, Judgement: r.Judgement,
		FileName: r.FileName, ImportedAt: r.ImportedAt}
	if r.JudgementDate != nil {
		p.JudgementDate = *r.JudgementDate
	}
	return p
}

// LatestByProvider returns the judgements in force for the given providers: for each
// identifier, the latest applied, by provider. Compliance reads it.
func LatestByProvider(ctx context.Context, q sqlx.QueryerContext, orgIDs []string) (map[string][]Published, error) {
	var rows []publishedRow
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT DISTINCT ON (organisation_id, source, regulator_id) source, regulator_id, organisation_id,
			judgement, judgement_date, file_name, imported_at
		FROM regulator_judgements WHERE organisation_id = ANY($1::uuid[])
		ORDER BY organisation_id, source, regulator_id, imported_at DESC, judgement_date DESC NULLS LAST`, pq.Array(orgIDs))
	if err != nil {
		return nil, fmt.Errorf("published judgements: %w", err)
	}
	out := map[string][]Published{}
	for _, r := range rows {
		out[r.OrganisationID] = append(out[r.OrganisationID], r.published())
	}
	return out, nil
}
