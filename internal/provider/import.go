package provider

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// This file is what an import of the council's existing suppliers (internal/importer) needs
// of the provider record: finding the records a file's supplier references name, and
// creating or updating many records at once in the importer's transaction. The record's own
// rules apply as on every other path: secrets sealed bound to their section, searchable
// values copied to the organisation, section versions, and the status history of a record
// that starts approved. It is written for batches of a few hundred suppliers, in a handful of
// statements, so a file of 10,000 rows takes a few dozen round trips.

// ImportedStatusReason is the status history's reason for an imported record's approval.
const ImportedStatusReason = "Imported from the council's list of existing suppliers"

// ExistingSupplier is a stored organisation that an import's supplier reference names.
type ExistingSupplier struct {
	ID          string
	SupplierRef string
	// Imported says an import made the record. A provider who registered through the portal
	// keeps their record to themselves: an import may not change it.
	Imported bool
	// Bank is the bank section in force (the approved answers, else the working ones), with
	// its secrets sealed, or nil when the record has none. BankAnswers.Open reads it.
	Bank *BankAnswers
}

// SuppliersByRef returns the organisations with the given supplier references, keyed by
// reference. With lock, q must be a transaction: the organisations are held FOR UPDATE
// until it ends, so two imports cannot both decide what to do with the same supplier.
func SuppliersByRef(ctx context.Context, q sqlx.QueryerContext, refs []string, lock bool) (map[string]*ExistingSupplier, error) {
	query := `SELECT o.id, o.supplier_ref, o.imported_at IS NOT NULL AS imported,
			(SELECT coalesce(s.approved_data, s.data) FROM provider_sections s
			 WHERE s.organisation_id = o.id AND s.section = 'bank-details') AS bank_section
		FROM organisations o WHERE o.supplier_ref = ANY($1)`
	if lock {
		query += ` FOR UPDATE OF o`
	}
	var rows []struct {
		ID          string `db:"id"`
		SupplierRef string `db:"supplier_ref"`
		Imported    bool   `db:"imported"`
		Bank        []byte `db:"bank_section"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, pq.StringArray(refs)); err != nil {
		return nil, fmt.Errorf("suppliers by reference: %w", err)
	}
	out := make(map[string]*ExistingSupplier, len(rows))
	for _, r := range rows {
		e := &ExistingSupplier{ID: r.ID, SupplierRef: r.SupplierRef, Imported: r.Imported}
		if len(r.Bank) > 0 {
			e.Bank = &BankAnswers{}
			if err := json.Unmarshal(r.Bank, e.Bank); err != nil {
				return nil, fmt.Errorf("supplier %s bank section: %w", r.SupplierRef, err)
			}
		}
		out[r.SupplierRef] = e
	}
	return out, nil
}

// ImportedSection is one section an import writes.
type ImportedSection struct {
	Key SectionKey
	// Overlay puts the import's values on the section's stored answers (or new, empty ones).
	// It is called for the answers in force and, when a change of the provider's waits for
	// review, again for that change, so both take the import's values and the change keeps
	// waiting. Secrets go in clear (BankAnswers.SortCode...): WriteImported seals them.
	Overlay func(Answers)
}

// ImportedSupplier is one supplier an import creates or updates.
type ImportedSupplier struct {
	// ID is the organisation to update, or empty to create one; WriteImported fills it in.
	ID          string
	SupplierRef string
	Sections    []ImportedSection

	// Set by WriteImported.
	Created bool
	// Approved holds each written section's answers in force after the import, sealed.
	Approved map[SectionKey]Answers
}

// storedImportSection is a section as stored before an import.
type storedImportSection struct {
	OrganisationID string `db:"organisation_id"`
	Section        string `db:"section"`
	Data           []byte `db:"data"`
	ApprovedData   []byte `db:"approved_data"`
	Completed      bool   `db:"completed"`
	PendingReview  bool   `db:"pending_review"`
}

// importedSectionWrite is one section's stored answers after the import.
type importedSectionWrite struct {
	key            SectionKey
	data, approved []byte
	completed      bool
}

// WriteImported creates or updates the suppliers of one batch of an import, in the
// importer's transaction, with checks fixed for the whole import.
//
// A created supplier is approved at once, with a status history entry saying so: the council
// already buys from it, so there is nothing for an officer to review. For each section
// given, the import's values are overlaid on what is stored: the answers in force take them,
// and a change the provider made since approval that waits for review takes them too and
// keeps waiting. A section is completed when the answers in force answer every question
// (a waiting change keeps its own state). Secrets are sealed bound to their organisation and
// section, searchable values are copied to the organisation, and a section whose stored
// answers change gets a new version; one the import leaves as it was is not rewritten.
// A created reference in the portal's own series ("SUP1001") moves that series past it.
// Updating the record of a provider who registered through the portal is refused.
// Auditing the import is the caller's: it knows why each supplier was written.
func (s *Service) WriteImported(ctx context.Context, tx *sqlx.Tx, checks Checks, suppliers []ImportedSupplier) error {
	if len(suppliers) == 0 {
		return nil
	}
	stored, err := storedImportSections(ctx, tx, suppliers)
	if err != nil {
		return err
	}
	var newOrgs, oldOrgs importedOrgColumns
	var secs struct {
		org, key, data []string
		approved       []sql.NullString
		completed      []bool
	}
	for i := range suppliers {
		sup := &suppliers[i]
		sup.Created = sup.ID == ""
		if sup.Created {
			sup.ID = uuid.NewString()
		}
		sup.Approved = make(map[SectionKey]Answers, len(sup.Sections))
		var search SearchColumns
		for _, sec := range sup.Sections {
			w, approved, err := s.buildImportedSection(sup, sec, stored[sup.ID][sec.Key], checks)
			if err != nil {
				return err
			}
			sup.Approved[sec.Key] = approved
			if sa, ok := approved.(Searchable); ok {
				sa.Search(&search)
			}
			secs.org = append(secs.org, sup.ID)
			secs.key = append(secs.key, string(w.key))
			secs.data = append(secs.data, string(w.data))
			var a sql.NullString
			if !bytes.Equal(w.approved, w.data) {
				a = sql.NullString{String: string(w.approved), Valid: true}
			}
			secs.approved = append(secs.approved, a)
			secs.completed = append(secs.completed, w.completed)
		}
		if sup.Created {
			newOrgs.add(sup, &search)
		} else {
			oldOrgs.add(sup, &search)
		}
	}
	actor := audit.ActorFrom(ctx)
	byName, err := importActorName(ctx, tx, actor)
	if err != nil {
		return err
	}
	if len(newOrgs.id) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, name, supplier_ref, status, decided_at, imported_at,
				legal_name, trading_name, postcode, vat_number, companies_house_number, charity_number, cqc_provider_id,
				ofsted_urns, service_categories)
			SELECT u.id::uuid, u.name, u.ref, 'approved', now(), now(), u.name, u.trading_name, u.postcode, u.vat, u.company,
				u.charity, u.cqc, coalesce(string_to_array(u.urns, ' '), '{}'), coalesce(string_to_array(u.categories, ' '), '{}')
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::text[], $10::text[], $11::text[]) AS u(id, ref, name, trading_name, postcode, vat, company, charity, cqc, urns, categories)`,
			newOrgs.args()...); err != nil {
			if db.IsCode(err, db.CodeUniqueViolation) {
				return apperr.Wrap(apperr.Conflict, err, "A supplier with one of these references already exists")
			}
			return fmt.Errorf("create imported organisations: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_status_history (organisation_id, from_status, to_status, reason, by_user, by_name)
			SELECT id, NULL, 'approved', $2, NULLIF($3, '')::uuid, $4 FROM unnest($1::uuid[]) AS id`,
			pq.StringArray(newOrgs.id), ImportedStatusReason, actor.UserID, byName); err != nil {
			return fmt.Errorf("imported status history: %w", err)
		}
	}
	if err := keepRefSeriesAhead(ctx, tx, newOrgs.ref); err != nil {
		return err
	}
	if len(oldOrgs.id) > 0 {
		// The organisation and address sections are in every row; VAT and regulation only in
		// some, so a NULL keeps the stored column. Only records an import made are changed.
		res, err := tx.ExecContext(ctx, `UPDATE organisations o SET name = u.name, legal_name = u.name,
				trading_name = u.trading_name, postcode = u.postcode, vat_number = coalesce(u.vat, o.vat_number),
				companies_house_number = u.company, charity_number = u.charity, cqc_provider_id = coalesce(u.cqc, o.cqc_provider_id),
				ofsted_urns = coalesce(string_to_array(u.urns, ' '), o.ofsted_urns),
				service_categories = coalesce(string_to_array(u.categories, ' '), o.service_categories),
				import_updated_at = now(), updated_at = now()
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
				$9::text[], $10::text[], $11::text[]) AS u(id, ref, name, trading_name, postcode, vat, company, charity, cqc, urns, categories)
			WHERE o.id = u.id::uuid AND o.imported_at IS NOT NULL`, oldOrgs.args()...)
		if err != nil {
			return fmt.Errorf("update imported organisations: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(oldOrgs.id)) {
			return apperr.New(apperr.Conflict, "An import can change only the records an import made, not those of providers who registered through the portal")
		}
	}
	if len(secs.org) > 0 {
		// A section's working answers are its approved ones unless a change waits for review,
		// so the approved copy is sent only when it differs (NULL otherwise), and each
		// document is parsed once.
		if _, err := tx.ExecContext(ctx, `INSERT INTO provider_sections (organisation_id, section, data, approved_data, completed, updated_by)
			SELECT u.org, u.key, u.data, coalesce(u.approved, u.data), u.completed, NULLIF($6, '')::uuid
			FROM (SELECT org::uuid, key, data::jsonb, approved::jsonb, completed
				FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS t(org, key, data, approved, completed)) AS u
			ON CONFLICT (organisation_id, section) DO UPDATE SET data = EXCLUDED.data, approved_data = EXCLUDED.approved_data,
				completed = EXCLUDED.completed, version = provider_sections.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by
			WHERE provider_sections.data IS DISTINCT FROM EXCLUDED.data
				OR provider_sections.approved_data IS DISTINCT FROM EXCLUDED.approved_data
				OR provider_sections.completed IS DISTINCT FROM EXCLUDED.completed`,
			pq.StringArray(secs.org), pq.StringArray(secs.key), pq.StringArray(secs.data), pq.Array(secs.approved),
			pq.BoolArray(secs.completed), actor.UserID); err != nil {
			return fmt.Errorf("imported sections: %w", err)
		}
	}
	return nil
}

// storedImportSections reads the sections a batch writes of the suppliers it updates, by
// organisation and section.
func storedImportSections(ctx context.Context, tx *sqlx.Tx, suppliers []ImportedSupplier) (map[string]map[SectionKey]*storedImportSection, error) {
	var ids, keys []string
	seen := map[SectionKey]bool{}
	for _, sup := range suppliers {
		if sup.ID != "" {
			ids = append(ids, sup.ID)
		}
		for _, sec := range sup.Sections {
			if _, ok := SectionByKey(string(sec.Key)); !ok {
				return nil, fmt.Errorf("import %s: no section %q", sup.SupplierRef, sec.Key)
			}
			if !seen[sec.Key] {
				seen[sec.Key] = true
				keys = append(keys, string(sec.Key))
			}
		}
	}
	out := map[string]map[SectionKey]*storedImportSection{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []storedImportSection
	if err := sqlx.SelectContext(ctx, tx, &rows, `SELECT organisation_id, section, data, approved_data, completed, pending_review
		FROM provider_sections WHERE organisation_id = ANY($1::uuid[]) AND section = ANY($2)`,
		pq.StringArray(ids), pq.StringArray(keys)); err != nil {
		return nil, fmt.Errorf("stored sections of imported suppliers: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		if out[r.OrganisationID] == nil {
			out[r.OrganisationID] = map[SectionKey]*storedImportSection{}
		}
		out[r.OrganisationID][SectionKey(r.Section)] = r
	}
	return out, nil
}

// buildImportedSection overlays the import on one stored section (or a new one) and encodes
// it, sealed; it returns the answers in force.
func (s *Service) buildImportedSection(sup *ImportedSupplier, sec ImportedSection, st *storedImportSection, checks Checks) (importedSectionWrite, Answers, error) {
	def, _ := SectionByKey(string(sec.Key))
	decode := func(b []byte) (Answers, error) {
		a, err := decodeAnswers(def, b)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", sup.SupplierRef, err)
		}
		return a, nil
	}
	encode := func(a Answers) ([]byte, error) {
		if sealer, ok := a.(Sealer); ok {
			if err := sealer.Seal(s.Vault, SealRow(sup.ID, sec.Key)); err != nil {
				return nil, err
			}
		}
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", sec.Key, err)
		}
		return b, nil
	}
	var stApproved []byte
	if st != nil {
		stApproved = st.ApprovedData
	}
	approved, err := decode(stApproved)
	if err != nil {
		return importedSectionWrite{}, nil, err
	}
	sec.Overlay(approved)
	w := importedSectionWrite{key: sec.Key}
	w.completed = len(approved.Validate(checks)) == 0
	if w.approved, err = encode(approved); err != nil {
		return importedSectionWrite{}, nil, err
	}
	w.data = w.approved
	if st != nil && st.PendingReview {
		working, err := decode(st.Data)
		if err != nil {
			return importedSectionWrite{}, nil, err
		}
		sec.Overlay(working)
		working.Validate(checks) // normalises; the provider's change is judged at review
		if w.data, err = encode(working); err != nil {
			return importedSectionWrite{}, nil, err
		}
		w.completed = st.Completed
	}
	return w, approved, nil
}

// refSeries recognises references in the portal's own series ("SUP1001"), which new
// registrations take from supplier_ref_seq.
var refSeries = regexp.MustCompile(`^SUP([0-9]{1,15})$`)

// keepRefSeriesAhead moves the portal's own reference series past any created reference in
// it, so a provider registering later is never given a reference an import has taken.
func keepRefSeriesAhead(ctx context.Context, tx *sqlx.Tx, refs []string) error {
	highest := int64(-1)
	for _, ref := range refs {
		if m := refSeries.FindStringSubmatch(ref); m != nil {
			n, _ := strconv.ParseInt(m[1], 10, 64)
			highest = max(highest, n)
		}
	}
	if highest < 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT setval('supplier_ref_seq', $1) FROM supplier_ref_seq WHERE last_value <= $1`, highest); err != nil {
		return fmt.Errorf("supplier reference series: %w", err)
	}
	return nil
}

// importActorName is the name the status history keeps for whoever runs the import: the
// user's name, or for an operator's command the name it runs under.
func importActorName(ctx context.Context, tx *sqlx.Tx, a audit.Actor) (string, error) {
	name := a.Email
	if a.UserID != "" {
		var err error
		if name, err = auth.UserName(ctx, tx, a.UserID); err != nil {
			return "", fmt.Errorf("importing user's name: %w", err)
		}
	}
	if name == "" {
		name = "system"
	}
	return name, nil
}

// importedOrgColumns are the organisation rows of a batch, a column at a time, for unnest.
type importedOrgColumns struct {
	id, ref, name, tradingName, postcode, company, charity, categories []string
	vat, cqc, urns                                                     []sql.NullString
}

func (c *importedOrgColumns) add(sup *ImportedSupplier, s *SearchColumns) {
	c.id = append(c.id, sup.ID)
	c.ref = append(c.ref, sup.SupplierRef)
	c.name = append(c.name, derefString(s.LegalName))
	c.tradingName = append(c.tradingName, derefString(s.TradingName))
	c.postcode = append(c.postcode, derefString(s.Postcode))
	c.company = append(c.company, derefString(s.CompaniesHouseNumber))
	c.charity = append(c.charity, derefString(s.CharityNumber))
	c.categories = append(c.categories, strings.Join(s.ServiceCategories, " "))
	c.vat = append(c.vat, nullString(s.VATNumber))
	c.cqc = append(c.cqc, nullString(s.CQCProviderID))
	if s.OfstedURNs == nil {
		c.urns = append(c.urns, sql.NullString{})
	} else {
		c.urns = append(c.urns, sql.NullString{String: strings.Join(s.OfstedURNs, " "), Valid: true})
	}
}

func (c *importedOrgColumns) args() []any {
	return []any{pq.StringArray(c.id), pq.StringArray(c.ref), pq.StringArray(c.name), pq.StringArray(c.tradingName),
		pq.StringArray(c.postcode), pq.Array(c.vat), pq.StringArray(c.company), pq.StringArray(c.charity), pq.Array(c.cqc),
		pq.Array(c.urns), pq.StringArray(c.categories)}
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}
