package contract

import (
	"context"
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/document"
	"github.com/council/provider-portal/internal/notify"
	"github.com/council/provider-portal/internal/provider"
	"github.com/jmoiron/sqlx"
)

// ReturnForm is the monitoring return form as typed.
type ReturnForm struct {
	Value      string `form:"value" label:"the value"`
	Commentary string `form:"commentary" multiline:"true" label:"your commentary"`
}

// ReturnFormOrder is the order of the form's fields, for the error summary.
var ReturnFormOrder = []string{"value", "commentary", "evidence"}

// maxNote is the longest commentary, query or answer kept.
const maxNote = 5000

// check reads the value, which must be possible for the KPI's measure (no negative count,
// no 120%), and requires commentary when the value misses its KPI's amber boundary: the
// council needs the reason and what is being done about it.
func (f *ReturnForm) check(k *KPI, evidence *Upload) (float64, map[string]string) {
	errs := map[string]string{}
	v, msg := ParseNumber(f.Value, "the value")
	if msg == "" {
		msg = k.Measure.Check(v, "the value")
	}
	if msg != "" {
		errs["value"] = msg
	}
	switch {
	case len(f.Commentary) > maxNote:
		errs["commentary"] = fmt.Sprintf("Your commentary must be %d characters or fewer", maxNote)
	case msg == "" && f.Commentary == "" && k.Rate(v) != Green:
		errs["commentary"] = fmt.Sprintf("Explain why the value is %s the target of %s, and what is being done about it", worseWord(k), k.TargetText())
	}
	if evidence != nil {
		if _, err := document.Sniff(evidence.Content); err != nil {
			errs["evidence"] = apperr.MessageOf(err)
		}
	}
	return v, errs
}

func worseWord(k *KPI) string {
	if k.Direction == LowerIsBetter {
		return "above"
	}
	return "below"
}

// SubmitReturn is the provider's return for one KPI period: the value, commentary and
// optionally an evidence file. orgID is the organisation the provider acts for; a return of
// any other organisation is NotFound. version is the one the form was shown with.
func (svc *Service) SubmitReturn(ctx context.Context, orgID, id string, version int, f ReturnForm, evidence *Upload) error {
	return svc.makeReturn(ctx, orgID, id, version, f, evidence, false)
}

// RecordReturn is an officer keying in a return the provider sent another way. The officer
// is the reviewer, so the return is accepted as recorded.
func (svc *Service) RecordReturn(ctx context.Context, id string, version int, f ReturnForm, evidence *Upload) error {
	return svc.makeReturn(ctx, "", id, version, f, evidence, true)
}

func (svc *Service) makeReturn(ctx context.Context, orgID, id string, version int, f ReturnForm, evidence *Upload, byOfficer bool) error {
	today := svc.Today()
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		where, more := `r.id = $1 FOR UPDATE OF r`, []any{}
		if !byOfficer {
			where, more = `r.id = $1 AND c.organisation_id::text = $2 AND c.status <> 'draft' FOR UPDATE OF r`, []any{orgID}
		}
		r, err := returnWhere(ctx, tx, today, where, id, more...)
		if err != nil {
			return err
		}
		if err := returnCanChange(r); err != nil {
			return err
		}
		if r.Status != ReturnDue {
			return apperr.New(apperr.Conflict, "This return has already been made")
		}
		if r.Version != version {
			return apperr.New(apperr.Conflict, "This return changed since you opened it. Open it again")
		}
		v, errs := f.check(r.KPI(), evidence)
		if !r.Open() {
			errs["value"] = "This return can be made from " + r.PeriodEnd.Format("2 January 2006") + ", when its period ends"
		}
		if len(errs) > 0 {
			return apperr.InvalidFields(errs)
		}
		var evidenceID any
		if evidence != nil {
			doc, err := svc.documents().Put(ctx, tx, r.OrganisationID, document.KindMonitoringEvidence, evidence.Filename, evidence.Content)
			if err != nil {
				return err
			}
			evidenceID = doc.ID
		}
		actor, name := nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx)
		status := ReturnSubmitted
		if byOfficer {
			status = ReturnAccepted
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET status = $2, value = $3, commentary = $4, evidence_document_id = $5,
			submitted_at = $9::timestamptz, submitted_by = $6, submitted_by_name = $7, recorded_by_officer = $8,
			accepted_at = CASE WHEN $8 THEN $9::timestamptz END, accepted_by = CASE WHEN $8 THEN $6::uuid END,
			accepted_by_name = CASE WHEN $8 THEN $7 ELSE '' END, version = version + 1, updated_at = now() WHERE id = $1`,
			id, string(status), v, f.Commentary, evidenceID, actor, name, byOfficer, svc.now()); err != nil {
			return fmt.Errorf("make return: %w", err)
		}
		r.Value, r.Status = &v, status
		action := "contract.return.submitted"
		if byOfficer {
			action = "contract.return.recorded"
		}
		late := today.After(dateOf(r.DueDate))
		if err := audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "monitoring_return", ObjectID: id,
			Summary: map[string]any{"contract_id": r.ContractID, "kpi_id": r.KPIID, "period_start": r.PeriodStart.Format("2006-01-02"),
				"value": FormatNumber(v), "rag": string(r.RAG()), "late": late, "evidence_document_id": evidenceID}}); err != nil {
			return err
		}
		if byOfficer {
			return nil
		}
		return svc.tellManager(ctx, tx, r, "Monitoring return submitted",
			fmt.Sprintf("%s has submitted the %s return for %s: %s (%s).", r.ProviderName, r.KPIName, r.Period().Label(), r.ValueText(), r.RAG().Label()))
	})
}

// returnCanChange refuses changes to the returns of a contract that is a draft or has been
// terminated: neither is being monitored.
func returnCanChange(r *MonitoringReturn) error {
	if !r.Monitored() {
		return apperr.New(apperr.Forbidden, "Returns are not kept for a contract that is %s", strings.ToLower(r.ContractStatus.Label()))
	}
	return nil
}

// AcceptReturn is an officer accepting a submitted or answered return.
func (svc *Service) AcceptReturn(ctx context.Context, id string, version int) error {
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		r, err := svc.lockForReview(ctx, tx, id, version, ReturnStatus.Reviewable)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET status = 'accepted', accepted_at = $4, accepted_by = $2,
			accepted_by_name = $3, version = version + 1, updated_at = now() WHERE id = $1`,
			id, nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx), svc.now()); err != nil {
			return fmt.Errorf("accept return: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "contract.return.accepted", ObjectType: "monitoring_return", ObjectID: id,
			Summary: map[string]any{"contract_id": r.ContractID, "kpi_id": r.KPIID, "value": r.ValueText(), "rag": string(r.RAG())}}); err != nil {
			return err
		}
		if svc.AcceptedChanged != nil {
			return svc.AcceptedChanged(ctx, tx, r.OrganisationID)
		}
		return nil
	})
}

// QueryReturn is an officer asking the provider a question about a return waiting for
// review, or about one already accepted (a mistake found later); the provider is emailed,
// and answers it or sends a corrected figure in the portal. An accepted figure stays the
// one charted and published until a correction of it is accepted.
func (svc *Service) QueryReturn(ctx context.Context, id string, version int, question string) error {
	if msg := noteProblem(question, "your question"); msg != "" {
		return apperr.InvalidFields(map[string]string{"question": msg})
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		r, err := svc.lockForReview(ctx, tx, id, version, ReturnStatus.Queryable)
		if err != nil {
			return err
		}
		if err := svc.addNote(ctx, tx, r, ReturnQueried, "query", question); err != nil {
			return err
		}
		to, err := provider.Recipients(ctx, tx, r.OrganisationID)
		if err != nil {
			return err
		}
		link := svc.link("/provider/returns/" + r.ID)
		for _, addr := range to {
			if err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Kind: "monitoring_return",
				Subject: fmt.Sprintf("A question about your %s return for %s", r.KPIName, r.Period().Label()),
				Body: fmt.Sprintf("The commissioning team has a question about the %s return for %s under contract %s (%s):\n\n%s\n\nAnswer it, or send a corrected figure, here:\n%s\n",
					r.KPIName, r.Period().Label(), r.ContractReference, r.ContractTitle, question, link)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// AnswerQuery is the provider's answer to an officer's question; orgID is the organisation
// the provider acts for.
func (svc *Service) AnswerQuery(ctx context.Context, orgID, id string, version int, answer string) error {
	if msg := noteProblem(answer, "your answer"); msg != "" {
		return apperr.InvalidFields(map[string]string{"answer": msg})
	}
	return db.Transact(ctx, svc.DB, func(tx *sqlx.Tx) error {
		r, err := svc.queriedReturn(ctx, tx, orgID, id, version, "There is no question waiting for an answer on this return")
		if err != nil {
			return err
		}
		if err := svc.addNote(ctx, tx, r, ReturnAnswered, "answer", answer); err != nil {
			return err
		}
		return svc.tellManager(ctx, tx, r, "Query answered",
			fmt.Sprintf("%s has answered your question about the %s return for %s:\n\n%s", r.ProviderName, r.KPIName, r.Period().Label(), answer))
	})
}

func noteProblem(s, label string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "Enter " + label
	case len(s) > maxNote:
		return fmt.Sprintf("%s must be %d characters or fewer", upperFirst(label), maxNote)
	}
	return ""
}

// lockForReview reads a return an officer is about to accept or query, checking it is in a
// status that allows it (ok) and is the version they saw.
func (svc *Service) lockForReview(ctx context.Context, tx *sqlx.Tx, id string, version int, ok func(ReturnStatus) bool) (*MonitoringReturn, error) {
	r, err := returnWhere(ctx, tx, svc.Today(), `r.id = $1 FOR UPDATE OF r`, id)
	if err != nil {
		return nil, err
	}
	if err := returnCanChange(r); err != nil {
		return nil, err
	}
	if !ok(r.Status) {
		return nil, apperr.New(apperr.Conflict, "This return is not waiting for review: it is %s", strings.ToLower(r.StatusLabel()))
	}
	if r.Version != version {
		return nil, apperr.New(apperr.Conflict, "This return changed since you opened it. Look at it again before you decide")
	}
	return r, nil
}

// addNote records a query or answer and moves the return to its next status.
func (svc *Service) addNote(ctx context.Context, tx *sqlx.Tx, r *MonitoringReturn, to ReturnStatus, kind, body string) error {
	actor, name := nullable(audit.ActorFrom(ctx).UserID), actorName(ctx, tx)
	if _, err := tx.ExecContext(ctx, `INSERT INTO monitoring_return_notes (return_id, kind, body, by_user, by_name) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, kind, body, actor, name); err != nil {
		return fmt.Errorf("return %s: %w", kind, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE monitoring_returns SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`,
		r.ID, string(to)); err != nil {
		return fmt.Errorf("return %s: %w", kind, err)
	}
	action := "contract.return.queried"
	if kind == "answer" {
		action = "contract.return.answered"
	}
	return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "monitoring_return", ObjectID: r.ID,
		Summary: map[string]any{"contract_id": r.ContractID, "kpi_id": r.KPIID, kind: body}})
}

// tellManager emails the contract's manager about a return waiting for them.
func (svc *Service) tellManager(ctx context.Context, tx *sqlx.Tx, r *MonitoringReturn, subject, body string) error {
	if r.ManagerEmail == nil || *r.ManagerEmail == "" {
		return nil
	}
	return notify.Enqueue(ctx, tx, notify.Message{To: *r.ManagerEmail, Kind: "monitoring_return",
		Subject: fmt.Sprintf("%s: %s, %s – %s", subject, r.KPIName, r.Period().Label(), r.ContractReference),
		Body:    fmt.Sprintf("%s\n\nContract %s: %s\n\nReview it here:\n%s\n", body, r.ContractReference, r.ContractTitle, svc.link("/returns/"+r.ID))})
}

func (svc *Service) link(path string) string {
	if svc.BaseURL == nil {
		return path
	}
	return svc.BaseURL.JoinPath(path).String()
}

// queriedReturn locks one of the organisation's returns for the provider's reply to a query
// (an answer or a correction): it must still be open to change, queried (notQueried says why
// not, when it is not), and at the version the provider's form was shown with.
func (svc *Service) queriedReturn(ctx context.Context, tx *sqlx.Tx, orgID, id string, version int, notQueried string) (*MonitoringReturn, error) {
	r, err := returnWhere(ctx, tx, svc.Today(), `r.id = $1 AND c.organisation_id::text = $2 AND c.status <> 'draft' FOR UPDATE OF r`, id, orgID)
	if err != nil {
		return nil, err
	}
	if err := returnCanChange(r); err != nil {
		return nil, err
	}
	if r.Status != ReturnQueried {
		return nil, apperr.New(apperr.Conflict, "%s", notQueried)
	}
	if r.Version != version {
		return nil, apperr.New(apperr.Conflict, "This return changed since you opened it. Open it again")
	}
	return r, nil
}
