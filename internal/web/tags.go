package web

import (
	"html/template"
	"strings"

	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/quality"
)

// The tags, rating cells and select options that pages repeat many times are written here
// rather than in a template: html/template spends a reflective call on every value it
// prints, and at 25 rows with their concerns, and the filters' sixty options, these were
// most of the directory's rendering (make bench's profile; BenchmarkRenderDirectory). Each
// is still the one source of its markup: the templates ("rag-tag", "review-status-tag",
// "contracts-select") call them. Every value is escaped.

// ragTag is a compliance rating as a coloured tag, with its word.
func ragTag(r quality.RAG) template.HTML {
	var b strings.Builder
	writeRAGTag(&b, r)
	return template.HTML(b.String())
}

func writeRAGTag(b *strings.Builder, r quality.RAG) {
	writeTag(b, r.TagClass(), "data-rag", string(r), r.Label())
}

// writeTag writes a GOV.UK tag of a colour, with its value in a data attribute (for scripts
// and tests) and its label in words.
func writeTag(b *strings.Builder, class, attr, value, label string) {
	b.WriteString(`<strong class="govuk-tag `)
	b.WriteString(template.HTMLEscapeString(class))
	b.WriteString(`" ` + attr + `="`)
	b.WriteString(template.HTMLEscapeString(value))
	b.WriteString(`">`)
	b.WriteString(template.HTMLEscapeString(label))
	b.WriteString(`</strong>`)
}

// ragCell is a stored rating as the lists show it (the directory, the dashboard): the tag,
// then each concern in words, worst first, or "No concerns.".
func ragCell(r quality.RAG, concerns quality.Reasons) template.HTML {
	var b strings.Builder
	writeRAGTag(&b, r)
	concerns = concerns.Concerns()
	if len(concerns) == 0 {
		b.WriteString(`<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" data-rag-reasons>No concerns.</p>`)
		return template.HTML(b.String())
	}
	b.WriteString(`<ul class="govuk-list govuk-!-font-size-16 govuk-!-margin-top-1 govuk-!-margin-bottom-0" data-rag-reasons>`)
	for _, c := range concerns {
		b.WriteString("\n  <li data-rag-reason=\"")
		b.WriteString(template.HTMLEscapeString(c.Rule))
		b.WriteString(`" data-reason-rag="`)
		b.WriteString(template.HTMLEscapeString(string(c.RAG)))
		b.WriteString(`"><span class="govuk-visually-hidden">`)
		b.WriteString(template.HTMLEscapeString(c.RAG.Label()))
		b.WriteString(`: </span>`)
		b.WriteString(template.HTMLEscapeString(c.Why))
		b.WriteString(`</li>`)
	}
	b.WriteString("\n</ul>")
	return template.HTML(b.String())
}

// statusTag is a provider record's status as a coloured tag, the same on the directory, the
// review queue and the provider's page.
func statusTag(s provider.Status) template.HTML {
	var b strings.Builder
	writeTag(&b, s.TagClass(), "data-record-status", string(s), s.Label())
	return template.HTML(b.String())
}

// selectOptions are a select's options, the one whose value is selected marked so. The
// directory's filters list some sixty options on every page, which html/template printed
// with four reflective calls each.
func selectOptions(options []provider.Option, selected string) template.HTML {
	var b strings.Builder
	for _, o := range options {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteString(`"`)
		if o.Value == selected {
			b.WriteString(` selected`)
		}
		b.WriteString(`>`)
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}
