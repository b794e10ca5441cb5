package demo

import "testing"

// The demonstration writes straight into the tables, past the contract service, so its
// KPIs and returns must keep the rule the service keeps: each value fits its KPI's measure.
func TestDemoKPIValuesFitTheirMeasure(t *testing.T) {
	for _, c := range demoContracts {
		for _, k := range c.KPIs {
			m := k.measure()
			for _, v := range append([]float64{k.Target, k.Amber, k.Red}, k.Values...) {
				if msg := m.Check(v, "a value"); msg != "" {
					t.Errorf("%s %s: %s (%v)", c.Reference, k.Name, msg, v)
				}
			}
		}
	}
}
