package retention

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// MaxMonths bounds a period: a hundred years is longer than any record needs keeping.
const MaxMonths = 1200

// Rule is the retention rule in force for a category: the default from Categories until the
// data protection officer changes it.
type Rule struct {
	Category  string     `db:"category"`
	Months    int        `db:"months"`
	Trigger   string     `db:"trigger"`
	Version   int        `db:"version"` // 0 while the default applies
	UpdatedAt *time.Time `db:"updated_at"`
}

// IsDefault reports whether the rule is the category's default, never changed.
func (r Rule) IsDefault() bool { return r.Version == 0 }

// Period is the period in words: "6 years", "18 months", "1 year".
func (r Rule) Period() string { return PeriodText(r.Months) }

// PeriodText writes a number of months as people say it.
func PeriodText(months int) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	if months%12 == 0 {
		return plural(months/12, "year")
	}
	return plural(months, "month")
}

// Describe is the whole rule in words: "6 years after the contract ends".
func (r Rule) Describe() string {
	c, _ := CategoryByKey(r.Category)
	return r.Period() + " after " + c.TriggerLabel(r.Trigger)
}

// defaultRule is a category's rule before anyone changed it.
func defaultRule(c Category) Rule {
	return Rule{Category: c.Key, Months: c.DefaultMonths, Trigger: c.Triggers[0].Key}
}

// Rules returns the rule in force for every scheduled category, in the record's order.
func Rules(ctx context.Context, q sqlx.QueryerContext) ([]Rule, error) {
	var stored []Rule
	if err := sqlx.SelectContext(ctx, q, &stored, `SELECT category, months, trigger, version, updated_at FROM retention_rules`); err != nil {
		return nil, fmt.Errorf("retention rules: %w", err)
	}
	byKey := make(map[string]Rule, len(stored))
	for _, r := range stored {
		byKey[r.Category] = r
	}
	var out []Rule
	for _, c := range ScheduledCategories() {
		r, ok := byKey[c.Key]
		if !ok {
			r = defaultRule(c)
		}
		out = append(out, checkedTrigger(c, r))
	}
	return out, nil
}

// RuleFor returns the rule in force for one category, or NotFound for a category without one.
func RuleFor(ctx context.Context, q sqlx.QueryerContext, category string) (Rule, error) {
	c, ok := CategoryByKey(category)
	if !ok || !c.HasRule() {
		return Rule{}, apperr.New(apperr.NotFound, "There is no retention rule for that category")
	}
	var r Rule
	err := sqlx.GetContext(ctx, q, &r, `SELECT category, months, trigger, version, updated_at FROM retention_rules WHERE category = $1`, category)
	if db.IsNoRows(err) {
		return defaultRule(c), nil
	}
	if err != nil {
		return Rule{}, fmt.Errorf("retention rule %s: %w", category, err)
	}
	return checkedTrigger(c, r), nil
}

// checkedTrigger falls back to the category's default trigger when a stored one is no longer
// offered, so a rule always names an event its finder understands, and raises a period
// below the category's floor (stored before the floor, or edited in the database) to it.
func checkedTrigger(c Category, r Rule) Rule {
	if c.TriggerLabel(r.Trigger) == "" {
		r.Trigger = c.Triggers[0].Key
	}
	if r.Months < c.MinMonths {
		r.Months = c.MinMonths
	}
	return r
}

// ValidateRule checks a period and trigger for a category, with a message per form field.
func ValidateRule(c Category, months int, monthsText, trigger string) map[string]string {
	errs := map[string]string{}
	switch {
	case monthsText == "":
		errs["months"] = "Enter the retention period in months"
	case months < 1 || months > MaxMonths:
		errs["months"] = fmt.Sprintf("The retention period must be between 1 and %d months", MaxMonths)
	case months < c.MinMonths:
		errs["months"] = fmt.Sprintf("The %s must be kept for at least %d months (%d years)", strings.ToLower(c.Name), c.MinMonths, c.MinMonths/12)
	}
	if c.TriggerLabel(trigger) == "" {
		errs["trigger"] = "Select when the retention period starts"
	}
	return errs
}

// UpdateRule changes a category's rule. version is the one the editor read (0 for the
// default); a mismatch is a Conflict. Audited with the rule before and after.
func (s *Service) UpdateRule(ctx context.Context, category string, months int, trigger string, version int) error {
	c, ok := CategoryByKey(category)
	if !ok || !c.HasRule() {
		return apperr.New(apperr.NotFound, "There is no retention rule for that category")
	}
	if errs := ValidateRule(c, months, strconv.Itoa(months), trigger); len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	return db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('retention:' || $1))`, category); err != nil {
			return fmt.Errorf("lock rule: %w", err)
		}
		before, err := RuleFor(ctx, tx, category)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this rule while you were editing it. Check the rule and try again")
		}
		var by any
		if a := audit.ActorFrom(ctx); a.UserID != "" {
			by = a.UserID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO retention_rules (category, months, trigger, version, updated_at, updated_by)
			VALUES ($1, $2, $3, 1, now(), $4)
			ON CONFLICT (category) DO UPDATE SET months = $2, trigger = $3, version = retention_rules.version + 1,
				updated_at = now(), updated_by = $4`, category, months, trigger, by); err != nil {
			return fmt.Errorf("save rule: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "retention.rule.updated", ObjectType: "retention_rule", ObjectID: category,
			Summary: map[string]any{
				"before": map[string]any{"months": before.Months, "trigger": before.Trigger},
				"after":  map[string]any{"months": months, "trigger": trigger},
			}})
	})
}
