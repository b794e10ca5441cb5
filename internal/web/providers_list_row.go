package web

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/council/provider-portal/internal/directory"
)

// directoryRow is one provider's row of the directory's table. It is written here rather than
// in providers/list.html because the page repeats it 25 times and html/template makes a
// reflective call for every value it prints (two for a link): make bench's profile had
// rendering the rows as most of the directory's processor time. Every value is escaped
// for where it goes, as html/template would.
func directoryRow(p directory.Provider) template.HTML {
	var b strings.Builder
	b.Grow(1024)
	id := template.HTMLEscapeString(p.ID)
	b.WriteString("\n    <tr class=\"govuk-table__row\" data-provider=\"")
	b.WriteString(id)
	b.WriteString("\">\n      <td class=\"govuk-table__cell\"><a class=\"govuk-link\" href=\"/providers/")
	b.WriteString(template.HTMLEscapeString(url.PathEscape(p.ID)))
	b.WriteString(`" data-provider-name>`)
	b.WriteString(template.HTMLEscapeString(p.Name))
	b.WriteString("</a><br>\n        <span class=\"govuk-hint govuk-!-font-size-16\">")
	b.WriteString(template.HTMLEscapeString(p.SupplierRef))
	if t := p.TradingAs(); t != "" {
		b.WriteString(" · trading as ")
		b.WriteString(template.HTMLEscapeString(t))
	}
	b.WriteString("</span></td>\n      <td class=\"govuk-table__cell\">")
	b.WriteString(string(statusTag(p.Status)))
	b.WriteString("</td>\n      <td class=\"govuk-table__cell\">")
	if p.RAG != "" {
		b.WriteString(string(ragCell(p.RAG, p.Concerns)))
	} else {
		b.WriteString(`<span data-rag="">Not rated yet</span>`)
	}
	b.WriteString("</td>\n      <td class=\"govuk-table__cell\">")
	b.WriteString(template.HTMLEscapeString(p.PostcodeText()))
	b.WriteString("</td>\n      <td class=\"govuk-table__cell\">")
	b.WriteString(template.HTMLEscapeString(strings.Join(p.CategoryLabels(), ", ")))
	b.WriteString("</td>\n      <td class=\"govuk-table__cell\">")
	b.WriteString(template.HTMLEscapeString(longDate(p.UpdatedAt)))
	b.WriteString("</td>\n    </tr>")
	return template.HTML(b.String())
}
