package retention

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// NoticeSection is the privacy notice's section on how long information is kept, in
// Markdown, written from the categories and the rules in force: one entry per category, with
// what it covers, how long it is kept and what happens then. The notice shows it in place of
// its {retention} placeholder, so when the data protection officer changes a rule the notice
// says so at once, and the two cannot disagree. It promises only what the portal does: a
// category with a rule is found by the daily sweep and destroyed once the officer approves;
// one without says in words how long it is kept.
func NoticeSection(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	rules, err := Rules(ctx, q)
	if err != nil {
		return "", err
	}
	byKey := make(map[string]Rule, len(rules))
	for _, r := range rules {
		byKey[r.Category] = r
	}
	var b strings.Builder
	b.WriteString("We keep each kind of information for the time shown below. When that time is up, the portal lists what is due, " +
		"and it is destroyed once our data protection officer approves. Nothing is destroyed while we need it for a legal claim " +
		"or an investigation: the officer can hold a provider's or a contract's records until it is over.\n\n")
	for _, c := range Categories {
		b.WriteString("- **" + c.Name + "**: " + lowerFirst(strings.TrimSuffix(c.Data, ".")) + ". ")
		if r, ok := byKey[c.Key]; ok {
			b.WriteString("Kept for " + r.Describe() + ", then " + c.Method.noticeWords() + ".")
		} else {
			b.WriteString("Kept " + lowerFirst(strings.TrimSuffix(c.KeptFor, ".")) + ".")
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// noticeWords says in the notice what happens to a record when its time is up.
func (m Method) noticeWords() string {
	if m == Anonymised {
		return "the person's details are removed from it"
	}
	return "deleted"
}

// lowerFirst lowers the first letter of a description that continues a sentence, unless
// it starts a name (DBS, the ICO) written in capitals.
func lowerFirst(s string) string {
	if len(s) < 2 || (s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
