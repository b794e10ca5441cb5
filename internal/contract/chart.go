package contract

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TrendChart is a KPI's values over its periods, laid out for an inline SVG that the
// server draws: no script, no inline style (the page's CSP forbids both). The template
// writes the SVG from these numbers; the same figures go in a table beside it, since the
// picture is not the only place they are.
type TrendChart struct {
	// ID prefixes the element ids (title, description), unique on the page.
	ID          string
	Title       string
	Description string
	Width       int
	Height      int
	// The plot area, inside the axes.
	Left, Top, Right, Bottom string
	YTicks                   []ChartTick
	XTicks                   []ChartTick
	// Target is the dashed target line across the plot.
	TargetY, TargetLabel string
	// Lines are the runs of consecutive periods with values, as SVG polyline points.
	Lines  []string
	Points []ChartPoint
	// Empty is true when no period has a value yet.
	Empty bool
}

// ChartTick is one labelled position on an axis.
type ChartTick struct {
	Pos   string // y for the value axis, x for the period axis
	Label string
}

// ChartPoint is one value: where it is, its rating and the shape that shows the rating
// without colour (circle green, diamond amber, square red).
type ChartPoint struct {
	X, Y  string
	RAG   RAG
	Shape string
	// Path is the diamond's outline, for Shape "diamond".
	Path  string
	Label string
}

// chart geometry, in SVG user units: the viewBox is Width × Height and scales with the page.
const (
	chartWidth   = 720
	chartHeight  = 320
	chartLeft    = 64.0
	chartRight   = 700.0
	chartTop     = 20.0
	chartBottom  = 270.0
	maxAxisLabel = 8
)

// NewTrendChart lays out a KPI's returns (oldest period first) against its target. Only
// accepted values are drawn: a value still under review, or one a correction replaced before
// it was accepted, leaves a gap, so the trend never shows a figure the council has not agreed.
func NewTrendChart(id string, k *KPI, returns []MonitoringReturn) TrendChart {
	ch := TrendChart{ID: id, Width: chartWidth, Height: chartHeight,
		Left: num(chartLeft), Top: num(chartTop), Right: num(chartRight), Bottom: num(chartBottom),
		Title: k.Name + " by month"}
	if k.Frequency == Quarterly {
		ch.Title = k.Name + " by quarter"
	}
	lo, hi := k.Target, k.Target
	var rated, green, amber, red int
	for _, r := range returns {
		if r.AcceptedValue == nil {
			continue
		}
		lo, hi = math.Min(lo, *r.AcceptedValue), math.Max(hi, *r.AcceptedValue)
		rated++
		switch k.Rate(*r.AcceptedValue) {
		case Green:
			green++
		case Amber:
			amber++
		case Red:
			red++
		}
	}
	ch.Empty = rated == 0
	axisLo, axisHi, step := niceScale(lo, hi)
	y := func(v float64) float64 {
		return chartBottom - (v-axisLo)/(axisHi-axisLo)*(chartBottom-chartTop)
	}
	for v := axisLo; v <= axisHi+step/2; v += step {
		ch.YTicks = append(ch.YTicks, ChartTick{Pos: num(y(v)), Label: withUnit(FormatNumber(v), k.Unit)})
	}
	ch.TargetY, ch.TargetLabel = num(y(k.Target)), "Target "+k.TargetText()

	n := len(returns)
	x := func(i int) float64 {
		if n <= 1 {
			return (chartLeft + chartRight) / 2
		}
		const pad = 24.0
		return chartLeft + pad + float64(i)*(chartRight-chartLeft-2*pad)/float64(n-1)
	}
	every := (n + maxAxisLabel - 1) / maxAxisLabel
	var run []string
	for i, r := range returns {
		if every > 0 && i%every == 0 {
			ch.XTicks = append(ch.XTicks, ChartTick{Pos: num(x(i)), Label: r.Period().ShortLabel()})
		}
		if r.AcceptedValue == nil {
			if len(run) > 1 {
				ch.Lines = append(ch.Lines, strings.Join(run, " "))
			}
			run = nil
			continue
		}
		px, py := x(i), y(*r.AcceptedValue)
		rag := k.Rate(*r.AcceptedValue)
		p := ChartPoint{X: num(px), Y: num(py), RAG: rag, Label: fmt.Sprintf("%s: %s, %s", r.Period().Label(), k.Format(*r.AcceptedValue), rag.Label())}
		switch rag {
		case Green:
			p.Shape = "circle"
		case Amber:
			p.Shape = "diamond"
			p.Path = fmt.Sprintf("M%s %s L%s %s L%s %s L%s %s Z", num(px), num(py-7), num(px+7), num(py), num(px), num(py+7), num(px-7), num(py))
		default:
			p.Shape = "square"
			p.X, p.Y = num(px-5.5), num(py-5.5)
		}
		ch.Points = append(ch.Points, p)
		run = append(run, num(px)+","+num(py))
	}
	if len(run) > 1 {
		ch.Lines = append(ch.Lines, strings.Join(run, " "))
	}
	if ch.Empty {
		ch.Description = fmt.Sprintf("No values have been accepted yet. The target is %s.", k.TargetText())
	} else {
		ch.Description = fmt.Sprintf("%d %s with values, from %s to %s, against a target of %s (%s): %d green, %d amber, %d red.",
			rated, plural(rated, "period", "periods"), k.Format(lo), k.Format(hi), k.TargetText(), strings.ToLower(k.Direction.Label()), green, amber, red)
	}
	return ch
}

// niceScale widens [lo, hi] to round numbers with about five steps between them.
func niceScale(lo, hi float64) (float64, float64, float64) {
	if hi-lo < 1e-9 {
		pad := math.Max(math.Abs(hi)*0.1, 1)
		lo, hi = lo-pad, hi+pad
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// num writes an SVG coordinate with one decimal place.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
