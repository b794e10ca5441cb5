package web

import (
	"slices"
	"strconv"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/finance"
	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// profileColumnRow is one field of the payment file on the layout form.
type profileColumnRow struct {
	Key, Default, Header string
	Included             bool
	Position             string
}

type financeProfilePage struct {
	Page
	Profile          *finance.Profile
	Rows             []profileColumnRow
	DelimiterOptions []provider.Option
	DateOptions      []provider.Option
	FileOptions      []provider.Option
	FileSelected     []string
}

var profileFileOptions = []provider.Option{
	{Value: "header_row", Label: "Start the file with a row of column headings"},
	{Value: "byte_order_mark", Label: "Start the file with a byte order mark (Excel needs it to read accented letters)"},
	{Value: "for_system", Label: "For a system to load, not a spreadsheet: write names as stored (no apostrophe in front of one starting with =, +, - or @), " +
		"in the Bacs character set (capital letters, digits, spaces and . - / &; accents dropped, other characters become spaces), " +
		"with the account name cut to 18 characters"},
}

// profileRows lays out every field for the form: the profile's columns first, in their
// order, then the fields it leaves out.
func profileRows(p *finance.Profile) []profileColumnRow {
	var in, out []profileColumnRow
	for _, f := range finance.PaymentFields {
		row := profileColumnRow{Key: f.Key, Default: f.Header, Header: f.Header}
		if c, i, ok := p.Column(f.Key); ok {
			row.Included, row.Header, row.Position = true, c.Header, strconv.Itoa(i+1)
			in = append(in, row)
			continue
		}
		out = append(out, row)
	}
	slices.SortStableFunc(in, func(a, b profileColumnRow) int { return atoiOr(a.Position, 0) - atoiOr(b.Position, 0) })
	return append(in, out...)
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func (s *Server) renderProfileForm(c *fiber.Ctx, status int, p *finance.Profile, rows []profileColumnRow, errs map[string]string) error {
	title := "Add a layout"
	if p.ID != "" {
		title = "Change the layout " + p.Name
	}
	data := financeProfilePage{Profile: p, Rows: rows, FileOptions: profileFileOptions}
	if rows == nil {
		data.Rows = profileRows(p)
	}
	for _, d := range finance.Delimiters {
		data.DelimiterOptions = append(data.DelimiterOptions, provider.Option{Value: d.Name, Label: d.Label})
	}
	for _, d := range finance.DateFormats {
		data.DateOptions = append(data.DateOptions, provider.Option{Value: d.Name, Label: d.Name})
	}
	if p.HeaderRow {
		data.FileSelected = append(data.FileSelected, "header_row")
	}
	if p.ByteOrderMark {
		data.FileSelected = append(data.FileSelected, "byte_order_mark")
	}
	if p.ForSystem {
		data.FileSelected = append(data.FileSelected, "for_system")
	}
	order := []string{"name", "columns"}
	for _, r := range data.Rows {
		order = append(order, "header-"+r.Key, "position-"+r.Key)
	}
	data.Page = s.page(c, title)
	data.Page.Back = "/finance/exports"
	data.Page.Errors = fieldErrors(append(order, "delimiter", "date_format"), errs)
	return render(c, status, "finance/profile_form", data)
}

func (s *Server) financeProfileNewForm(c *fiber.Ctx) error {
	p := finance.DefaultProfile()
	p.Name, p.ByteOrderMark = "", false
	return s.renderProfileForm(c, fiber.StatusOK, p, nil, nil)
}

func (s *Server) financeProfileForm(c *fiber.Ctx) error {
	p, err := finance.ProfileByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	return s.renderProfileForm(c, fiber.StatusOK, p, nil, nil)
}

// readProfile reads the layout form: which fields are in, under what heading, at which
// position, and the file's options.
func readProfile(c *fiber.Ctx, p *finance.Profile) ([]profileColumnRow, map[string]string) {
	errs := map[string]string{}
	p.Name = c.FormValue("name")
	p.Delimiter, p.DateFormat = c.FormValue("delimiter"), c.FormValue("date_format")
	p.HeaderRow, p.ByteOrderMark, p.ForSystem = false, false, false
	for _, v := range c.Request().PostArgs().PeekMulti("options") {
		switch string(v) {
		case "header_row":
			p.HeaderRow = true
		case "byte_order_mark":
			p.ByteOrderMark = true
		case "for_system":
			p.ForSystem = true
		}
	}
	p.Version = formInt(c, "version")
	var rows []profileColumnRow
	for i, f := range finance.PaymentFields {
		row := profileColumnRow{Key: f.Key, Default: f.Header, Header: c.FormValue("header-" + f.Key),
			Included: c.FormValue("include-"+f.Key) == "yes", Position: strings.TrimSpace(c.FormValue("position-" + f.Key))}
		if row.Included {
			if row.Position == "" {
				row.Position = strconv.Itoa(i + 1)
			}
			if n := atoiOr(row.Position, -1); n < 1 || n > 99 {
				errs["position-"+f.Key] = "Enter the position of " + strings.ToLower(f.Header) + " as a number from 1 to 99"
			}
		}
		rows = append(rows, row)
	}
	included := slices.DeleteFunc(slices.Clone(rows), func(r profileColumnRow) bool { return !r.Included })
	slices.SortStableFunc(included, func(a, b profileColumnRow) int { return atoiOr(a.Position, 0) - atoiOr(b.Position, 0) })
	p.Columns = nil
	for _, r := range included {
		p.Columns = append(p.Columns, finance.ProfileColumn{Field: r.Key, Header: r.Header})
	}
	return rows, errs
}

func (s *Server) financeProfileSave(c *fiber.Ctx, p *finance.Profile) error {
	rows, errs := readProfile(c, p)
	for k, v := range p.Validate() {
		errs[k] = v
	}
	if len(errs) > 0 {
		return s.renderProfileForm(c, fiber.StatusUnprocessableEntity, p, rows, errs)
	}
	_, err := s.finance.SaveProfile(c.UserContext(), p)
	if fields := apperr.FieldsOf(err); fields != nil {
		return s.renderProfileForm(c, fiber.StatusUnprocessableEntity, p, rows, fields)
	}
	if err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/finance/exports", "Layout "+p.Name+" saved. Choose it when you download a CSV file.")
}

func (s *Server) financeProfileCreate(c *fiber.Ctx) error {
	return s.financeProfileSave(c, &finance.Profile{})
}

func (s *Server) financeProfileUpdate(c *fiber.Ctx) error {
	p, err := finance.ProfileByID(c.UserContext(), s.db, c.Params("id"))
	if err != nil {
		return err
	}
	return s.financeProfileSave(c, p)
}

func (s *Server) financeProfileDelete(c *fiber.Ctx) error {
	if err := s.finance.DeleteProfile(c.UserContext(), c.Params("id"), formInt(c, "version")); err != nil {
		return err
	}
	return s.redirectWithFlash(c, "/finance/exports", "Layout deleted.")
}
