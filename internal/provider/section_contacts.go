package provider

import (
	"fmt"
	"strings"

	"github.com/council/provider-portal/internal/ukid"
	"github.com/council/provider-portal/internal/validate"
)

// Contact is a person at the provider the council can contact.
type Contact struct {
	Name  string `form:"name" json:"name" validate:"required,max=200" label:"the contact's name"`
	Role  string `form:"role" json:"role" validate:"required,max=200" label:"the contact's role"`
	Email string `form:"email" json:"email" validate:"required,max=254" label:"the contact's email address"`
	Phone string `form:"phone" json:"phone" validate:"required,max=30" label:"the contact's telephone number"`
}

// ContactsAnswers are the key contact (required) and further contacts.
type ContactsAnswers struct {
	KeyContactName  string    `form:"key_contact_name" json:"key_contact_name" validate:"required,max=200" label:"the key contact's full name"`
	KeyContactRole  string    `form:"key_contact_role" json:"key_contact_role" validate:"required,max=200" label:"the key contact's role"`
	KeyContactEmail string    `form:"key_contact_email" json:"key_contact_email" validate:"required,max=254" label:"the key contact's email address"`
	KeyContactPhone string    `form:"key_contact_phone" json:"key_contact_phone" validate:"required,max=30" label:"the key contact's telephone number"`
	Others          []Contact `form:"contacts" json:"contacts" validate:"max=20" msg:"You can add up to 20 other contacts"`
}

// Validate checks every contact's email and UK phone number.
func (a *ContactsAnswers) Validate(Checks) map[string]string {
	errs := fieldsOf(validate.Struct(a))
	// Each further contact is checked on its own: validator would key a field inside the
	// list by its bare name ("email"), which collides between contacts, while the form names
	// it "contacts-0-email". The message names the contact as the summary page does.
	for i := range a.Others {
		who := strings.NewReplacer("the contact's", fmt.Sprintf("contact %d's", i+2), "The contact's", fmt.Sprintf("Contact %d's", i+2))
		for f, msg := range fieldsOf(validate.Struct(&a.Others[i])) {
			errs[fmt.Sprintf("contacts-%d-%s", i, f)] = who.Replace(msg)
		}
	}
	checkEmailPhone := func(emailField string, email *string, phoneField string, phone *string) {
		if *email != "" && errs[emailField] == "" {
			if e, err := validate.NormaliseEmail(*email); err != nil {
				errs[emailField] = "Enter the email address in the correct format, like name@example.com"
			} else {
				*email = e
			}
		}
		if *phone != "" && errs[phoneField] == "" {
			if p, err := ukid.Phone(*phone); err != nil {
				errs[phoneField] = err.Error()
			} else {
				*phone = p
			}
		}
	}
	checkEmailPhone("key_contact_email", &a.KeyContactEmail, "key_contact_phone", &a.KeyContactPhone)
	for i := range a.Others {
		c := &a.Others[i]
		checkEmailPhone(fmt.Sprintf("contacts-%d-email", i), &c.Email, fmt.Sprintf("contacts-%d-phone", i), &c.Phone)
	}
	return errs
}

// Summary lists the contacts.
func (a *ContactsAnswers) Summary() []SummaryRow {
	rows := []SummaryRow{
		{"Key contact", a.KeyContactName + ", " + a.KeyContactRole, "key_contact_name"},
		{"Key contact email", a.KeyContactEmail, "key_contact_email"},
		{"Key contact telephone", ukid.FormatPhone(a.KeyContactPhone), "key_contact_phone"},
	}
	for i, c := range a.Others {
		rows = append(rows, SummaryRow{fmt.Sprintf("Contact %d", i+2), fmt.Sprintf("%s, %s, %s, %s", c.Name, c.Role, c.Email, ukid.FormatPhone(c.Phone)), fmt.Sprintf("contacts-%d-name", i)})
	}
	return rows
}
