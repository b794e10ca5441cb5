package web

import (
	"fmt"
	"strings"
)

// ragChart is the spread of compliance ratings as a horizontal bar chart, laid out here for
// an inline SVG the template writes with presentation attributes only (the CSP forbids
// style attributes and scripts). The same counts are in a table beside it, so the picture
// is never the only place they are.
type ragChart struct {
	Width, Height int
	Description   string
	Bars          []ragBar
}

// ragBar is one rating's bar and its labels.
type ragBar struct {
	Key, Label string
	Count      int
	// Y is the top of the bar; TextY the baseline of its labels; Length its length and
	// CountX where its count is written, just past its end.
	Y, TextY, Length, CountX int
	Fill                     string
}

// chart geometry, in SVG user units (the viewBox scales with the page).
const (
	ragChartLabelWidth = 120
	ragChartBarSpace   = 250
	ragChartRow        = 40
	ragChartBar        = 26
)

// ragFills are the bars' colours: GOV.UK red, orange, green and dark grey, each with at
// least 3:1 contrast against white (WCAG 1.4.11), and each bar labelled in words too.
var ragFills = map[string]string{"red": "#d4351c", "amber": "#b45c08", "green": "#00703c", "unrated": "#505a5f"}

func newRAGChart(counts []ratingCount) ragChart {
	longest := 0
	for _, c := range counts {
		longest = max(longest, c.Count)
	}
	ch := ragChart{Width: ragChartLabelWidth + ragChartBarSpace + 60, Height: len(counts)*ragChartRow + 8}
	var words []string
	for i, c := range counts {
		length := 0
		if longest > 0 {
			length = c.Count * ragChartBarSpace / longest
		}
		if c.Count > 0 {
			length = max(length, 3) // a bar too short to see still shows
		}
		y := 4 + i*ragChartRow
		ch.Bars = append(ch.Bars, ragBar{Key: c.Key, Label: c.Label, Count: c.Count, Y: y, TextY: y + ragChartBar - 7, Length: length,
			CountX: ragChartLabelWidth + length + 8, Fill: ragFills[c.Key]})
		words = append(words, fmt.Sprintf("%s %d", c.Label, c.Count))
	}
	ch.Description = "Providers by compliance rating: " + strings.Join(words, ", ") + "."
	return ch
}

// LabelX is where the ratings' names end, right-aligned before the bars.
func (ragChart) LabelX() int { return ragChartLabelWidth - 10 }

// BarX is where the bars start.
func (ragChart) BarX() int { return ragChartLabelWidth }

// BarHeight is each bar's thickness.
func (ragChart) BarHeight() int { return ragChartBar }
