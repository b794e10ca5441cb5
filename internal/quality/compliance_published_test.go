package quality_test

import (
	"testing"
	"time"

	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
	"github.com/council/provider-portal/internal/regulator"
)

// TestCompliancePublishedJudgements: the regulators' published judgements rate the provider
// whatever its record says, and a record claiming better than published is flagged.
func TestCompliancePublishedJudgements(t *testing.T) {
	judged := time.Date(2026, time.January, 10, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		published regulator.Judgement
		declared  string
		want      quality.RAG
		says      string
	}{
		{"inadequate", regulator.Inadequate, "good", quality.Red, "Ofsted's published judgement for URN SC111111 is inadequate (10 January 2026)."},
		{"requires improvement", regulator.RequiresImprovement, "requires_improvement", quality.Amber, "Ofsted's published judgement for URN SC111111 is requires improvement (10 January 2026)."},
		{"record claims better", regulator.Good, "outstanding", quality.Amber, "Ofsted's published judgement for URN SC111111 is good (10 January 2026), but the provider's record says outstanding: ask the provider to correct it."},
		{"agrees", regulator.Good, "good", quality.Green, "Ofsted's published judgement for URN SC111111 is good (10 January 2026)."},
		{"better than the record", regulator.Outstanding, "good", quality.Green, "Ofsted's published judgement for URN SC111111 is outstanding (10 January 2026)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := complete()
			in.Regulation = &provider.RegulationAnswers{OfstedRegistered: "yes", CQCRegistered: "no",
				Ofsted: []provider.OfstedRegistration{{URN: "SC111111", Judgement: tc.declared, JudgementDate: dateInput(day(-60))}}}
			in.Published = []regulator.Published{{Source: regulator.Ofsted, RegulatorID: "SC111111", Judgement: tc.published, JudgementDate: judged}}
			res := quality.Evaluate(in, quality.DefaultSettings(), today)
			got := reasonsOf(res, "published")
			if len(got) != 1 || got[0].RAG != tc.want || got[0].Why != tc.says {
				t.Errorf("published reasons %+v, want one %s saying %q", got, tc.want, tc.says)
			}
		})
	}
}
