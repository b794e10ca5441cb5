package quality

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/regulator"
	"github.com/jmoiron/sqlx"
)

// loadPublished reads the judgements Ofsted and the CQC last published for each provider's
// registrations, from the files officers have applied (internal/regulator).
func loadPublished(ctx context.Context, q sqlx.QueryerContext, orgIDs []string, out map[string]*Inputs) error {
	published, err := regulator.LatestByProvider(ctx, q, orgIDs)
	if err != nil {
		return err
	}
	for id, ps := range published {
		if in, ok := out[id]; ok {
			in.Published = ps
		}
	}
	return nil
}

// rulePublished reads the regulators' own published judgements, whatever the provider's
// record says (the Ofsted and CQC rules read the record):
//   - red: a published judgement is inadequate;
//   - amber: a published judgement is requires improvement;
//   - green: the published judgements, listed, are good or outstanding (or not judged), or
//     no file applied so far names the provider's registrations.
func rulePublished(in *Inputs, _ Settings, _ time.Time) []Reason {
	var reasons []Reason
	var fine []string
	for _, p := range in.Published {
		when := ""
		if !p.JudgementDate.IsZero() {
			when = " on " + p.JudgementDate.Format("2 January 2006")
		}
		said := fmt.Sprintf("%s published %s %s as %s%s", p.Source.Name(), p.Source.IDLabel(), p.RegulatorID, strings.ToLower(p.Judgement.Label()), when)
		switch p.Judgement {
		case regulator.Inadequate:
			reasons = append(reasons, Reason{RAG: Red, Why: said + "."})
		case regulator.RequiresImprovement:
			reasons = append(reasons, Reason{RAG: Amber, Why: said + "."})
		default:
			fine = append(fine, said)
		}
	}
	switch {
	case len(reasons) > 0:
		return reasons
	case len(fine) == 0:
		return []Reason{{RAG: Green, Why: "No judgement published by Ofsted or the CQC is on file."}}
	}
	return []Reason{{RAG: Green, Why: strings.Join(fine, "; ") + "."}}
}
