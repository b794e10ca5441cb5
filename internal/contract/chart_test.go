package contract_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/council/provider-portal/internal/contract"
)

func returnsWith(values ...*float64) []contract.MonitoringReturn {
	var out []contract.MonitoringReturn
	for i, v := range values {
		start := day(2025, time.Month(1+i), 1)
		out = append(out, contract.MonitoringReturn{ID: strconv.Itoa(i), PeriodStart: start, PeriodEnd: start.AddDate(0, 1, -1), AcceptedValue: v})
	}
	return out
}

func ptr(v float64) *float64 { return &v }

func TestTrendChart(t *testing.T) {
	k := &contract.KPI{Name: "Visits on time", Unit: "%", Target: 95, Direction: contract.HigherIsBetter, Amber: 90, Red: 80, Frequency: contract.Monthly}
	ch := contract.NewTrendChart("c", k, returnsWith(ptr(96), ptr(85), nil, ptr(70), ptr(92)))
	if ch.Empty {
		t.Fatal("a chart with values says it is empty")
	}
	var rags, shapes []string
	for _, p := range ch.Points {
		rags, shapes = append(rags, string(p.RAG)), append(shapes, p.Shape)
	}
	if want := []string{"green", "amber", "red", "green"}; !slices.Equal(rags, want) {
		t.Errorf("points rated %v, want %v", rags, want)
	}
	if want := []string{"circle", "diamond", "square", "circle"}; !slices.Equal(shapes, want) {
		t.Errorf("point shapes %v, want %v (a shape per rating, so colour is not the only cue)", shapes, want)
	}
	// The gap (no value in March) splits the line in two.
	if len(ch.Lines) != 2 || strings.Count(ch.Lines[0], ",") != 2 || strings.Count(ch.Lines[1], ",") != 2 {
		t.Errorf("lines %q, want two runs of two points", ch.Lines)
	}
	// Higher values are drawn higher (smaller y), and the target sits between 92 and 96.
	y := func(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }
	var y96, y92 float64
	for _, p := range ch.Points {
		if p.RAG == contract.Green && y96 == 0 {
			y96 = y(p.Y)
		} else if p.RAG == contract.Green {
			y92 = y(p.Y)
		}
	}
	if ty := y(ch.TargetY); !(y96 < ty && ty < y92) {
		t.Errorf("target y %v is not between the 96%% point (%v) and the 92%% point (%v)", ty, y96, y92)
	}
	if !strings.Contains(ch.Description, "4 periods with values") || !strings.Contains(ch.Description, "2 green, 1 amber, 1 red") {
		t.Errorf("description %q does not summarise the points", ch.Description)
	}
	if len(ch.XTicks) != 5 || ch.XTicks[0].Label != "Jan 2025" {
		t.Errorf("x labels %v", ch.XTicks)
	}
	if ch.Title != "Visits on time by month" || ch.TargetLabel != "Target 95%" {
		t.Errorf("title %q, target label %q", ch.Title, ch.TargetLabel)
	}
}

func TestTrendChartWithoutValues(t *testing.T) {
	k := &contract.KPI{Name: "Incidents", Unit: "incidents", Target: 0, Direction: contract.LowerIsBetter, Frequency: contract.Quarterly}
	ch := contract.NewTrendChart("c", k, returnsWith(nil, nil))
	if !ch.Empty || len(ch.Points) != 0 || len(ch.Lines) != 0 {
		t.Errorf("an empty chart has points %v lines %v", ch.Points, ch.Lines)
	}
	if len(ch.YTicks) < 2 {
		t.Errorf("an empty chart still needs an axis around the target: %v", ch.YTicks)
	}
	if !strings.Contains(ch.Description, "No values") || ch.Title != "Incidents by quarter" {
		t.Errorf("title %q description %q", ch.Title, ch.Description)
	}
}

func TestTrendChartLabelsManyPeriodsSparsely(t *testing.T) {
	k := &contract.KPI{Name: "Occupancy", Unit: "%", Target: 90, Direction: contract.HigherIsBetter, Amber: 85, Red: 80, Frequency: contract.Monthly}
	var values []*float64
	for i := range 36 {
		values = append(values, ptr(80+float64(i%10)))
	}
	ch := contract.NewTrendChart("c", k, returnsWith(values...))
	if len(ch.Points) != 36 || len(ch.XTicks) > 8 {
		t.Errorf("%d points, %d axis labels; want 36 points and at most 8 labels", len(ch.Points), len(ch.XTicks))
	}
}
