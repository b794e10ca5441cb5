package seed

import "testing"

// The seed writes straight into the tables, past the contract service, so its KPIs and the
// values it draws for them must keep the rule the service keeps: each fits its KPI's measure.
func TestSeededKPIValuesFitTheirMeasure(t *testing.T) {
	for category, templates := range kpiTemplates {
		for i, k := range templates {
			m := k.measure()
			for _, v := range []float64{k.target, k.amber, k.red} {
				if msg := m.Check(v, "a boundary"); msg != "" {
					t.Errorf("%s %s: %s (%v)", category, k.name, msg, v)
				}
			}
			r := newRNG(1, streamContract, i)
			for range 500 {
				if v := kpiValue(r, k); m.Check(v, "a value") != "" {
					t.Fatalf("%s %s: drew %v, which is not a possible %s", category, k.name, v, m)
				}
			}
		}
	}
}
