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
//   - amber: the provider's approved record claims a better rating than the one published
//     (outstanding where the regulator published good), so the record needs correcting;
//   - green: the published judgements, listed, are good or outstanding (or not judged), or
//     no file applied so far names the provider's registrations.
func rulePublished(in *Inputs, _ Settings, _ time.Time) []Reason {
	var reasons []Reason
	var fine []string
	declared := map[string]string{}
	if in.Regulation != nil {
		for _, o := range in.Regulation.Ofsted {
			declared[string(regulator.Ofsted)+"/"+o.URN] = o.Judgement
		}
		for _, l := range in.Regulation.CQCLocations {
			declared[string(regulator.CQC)+"/"+l.LocationID] = l.Rating
		}
	}
	for _, p := range in.Published {
		when := ""
		if !p.JudgementDate.IsZero() {
			when = " (" + p.JudgementDate.Format("2 January 2006") + ")"
		}
		noun, id := "judgement", "URN "+p.RegulatorID
		if p.Source == regulator.CQC {
			noun, id = "rating", "location "+p.RegulatorID
		}
		said := fmt.Sprintf("%s's published %s for %s is %s%s", p.Source.Name(), noun, id, strings.ToLower(p.Judgement.Label()), when)
		own := declared[string(p.Source)+"/"+p.RegulatorID]
		switch {
		case p.Judgement == regulator.Inadequate:
			reasons = append(reasons, Reason{RAG: Red, Why: said + "."})
		case p.Judgement == regulator.RequiresImprovement:
			reasons = append(reasons, Reason{RAG: Amber, Why: said + "."})
		case p.Judgement.WorseThan(own):
			reasons = append(reasons, Reason{RAG: Amber, Why: fmt.Sprintf("%s, but the provider's record says %s: ask the provider to correct it.",
				said, strings.ToLower(regulator.Judgement(own).Label()))})
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
