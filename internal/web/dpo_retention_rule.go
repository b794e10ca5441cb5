package web

import (
	"strconv"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/provider"
	"github.com/council/provider-portal/internal/retention"
	"github.com/gofiber/fiber/v2"
)

type retentionRulePage struct {
	Page
	Category retention.Category
	Rule     retention.Rule
	Months   string
	Trigger  string
	Triggers []provider.Option
}

func retentionCategoryOf(c *fiber.Ctx) (retention.Category, error) {
	cat, ok := retention.CategoryByKey(c.Params("category"))
	if !ok || !cat.HasRule() {
		return retention.Category{}, apperr.New(apperr.NotFound, "There is no retention rule for that category")
	}
	return cat, nil
}

func (s *Server) renderRetentionRule(c *fiber.Ctx, status int, data retentionRulePage, errs map[string]string) error {
	for _, t := range data.Category.Triggers {
		data.Triggers = append(data.Triggers, provider.Option{Value: t.Key, Label: "After " + t.Label})
	}
	data.Page = s.page(c, "Retention of "+data.Category.Name)
	data.Page.Back = "/dpo/retention"
	data.Page.Errors = fieldErrors([]string{"months", "trigger"}, errs)
	return render(c, status, "dpo/retention/rule", data)
}

// retentionRuleForm shows a category's rule for the data protection officer to change.
func (s *Server) retentionRuleForm(c *fiber.Ctx) error {
	cat, err := retentionCategoryOf(c)
	if err != nil {
		return err
	}
	rule, err := retention.RuleFor(c.UserContext(), s.db, cat.Key)
	if err != nil {
		return err
	}
	return s.renderRetentionRule(c, fiber.StatusOK, retentionRulePage{Category: cat, Rule: rule,
		Months: strconv.Itoa(rule.Months), Trigger: rule.Trigger}, nil)
}

// retentionRuleSave changes the period and the event it runs from. The form carries the
// rule's version, so two officers editing at once cannot overwrite each other unseen.
func (s *Server) retentionRuleSave(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cat, err := retentionCategoryOf(c)
	if err != nil {
		return err
	}
	rule, err := retention.RuleFor(ctx, s.db, cat.Key)
	if err != nil {
		return err
	}
	var in struct {
		Months  string `form:"months" label:"the period"`
		Trigger string `form:"trigger" label:"the event"`
	}
	errs := decodeForm(c, &in)
	months, convErr := strconv.Atoi(in.Months)
	for k, v := range retention.ValidateRule(cat, months, in.Months, in.Trigger) {
		if errs[k] == "" {
			errs[k] = v
		}
	}
	if convErr != nil && in.Months != "" && errs["months"] != "" {
		errs["months"] = "Enter the period as a whole number of months, like 72"
	}
	if len(errs) == 0 {
		err := s.retention.UpdateRule(ctx, cat.Key, months, in.Trigger, formInt(c, "version"))
		if err == nil {
			return s.redirectWithFlash(c, "/dpo/retention", "The retention rule for "+cat.Name+" is now "+
				retention.Rule{Category: cat.Key, Months: months, Trigger: in.Trigger}.Describe()+".")
		}
		if errs = apperr.FieldsOf(err); errs == nil {
			return err
		}
	}
	return s.renderRetentionRule(c, fiber.StatusUnprocessableEntity, retentionRulePage{Category: cat, Rule: rule,
		Months: in.Months, Trigger: in.Trigger}, errs)
}
