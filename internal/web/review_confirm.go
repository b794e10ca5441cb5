package web

import (
	"fmt"
	"strconv"

	"github.com/council/provider-portal/internal/provider"
	"github.com/gofiber/fiber/v2"
)

// reviewConfirmPage asks an officer to confirm a decision that cannot be taken back from
// the review page (approving or rejecting a record, accepting or declining a held change):
// it says what will happen, and its button sends the same decision again with confirm=yes.
// It is a plain form, so it works without JavaScript.
type reviewConfirmPage struct {
	Page
	Org *provider.Organisation
	// Action is where the confirmed decision goes; Hidden are the fields it carries.
	Action string
	Hidden []hiddenField
	// Consequences say, one line each, what the decision does.
	Consequences []string
	// Reason is the reason the provider will be told, shown quoted.
	Reason  string
	Button  string
	Warning bool
}

type hiddenField struct{ Name, Value string }

// confirmed reports whether the officer pressed the confirmation page's button.
func confirmed(c *fiber.Ctx) bool { return c.FormValue("confirm") == "yes" }

// confirmRecordDecision shows the confirmation for approving or rejecting a record.
// Approving names the sections no officer has accepted one by one: approval accepts them.
func (s *Server) confirmRecordDecision(c *fiber.Ctx, org *provider.Organisation, decision string, version int, reason string) error {
	name := org.DisplayName()
	data := reviewConfirmPage{Org: org, Action: "/review/providers/" + org.ID + "/decision",
		Hidden: []hiddenField{{"version", strconv.Itoa(version)}, {"decision", decision}, {"confirm", "yes"}}}
	switch decision {
	case "approve":
		data.Page = s.page(c, "Approve "+name+"?")
		data.Button = "Yes, approve the record"
		recs, err := provider.SectionRecords(c.UserContext(), s.db, org.ID)
		if err != nil {
			return err
		}
		var unaccepted []string
		for _, def := range provider.Sections {
			if r := recs[def.Key]; r != nil && r.AcceptedAt == nil {
				unaccepted = append(unaccepted, def.Title)
			}
		}
		data.Consequences = append(data.Consequences,
			"Every section's answers become the approved ones, and the provider can be offered contracts.")
		if len(unaccepted) > 0 {
			data.Consequences = append(data.Consequences, fmt.Sprintf("%d %s not accepted one by one %s accepted with the record: %s.",
				len(unaccepted), plural(len(unaccepted), "section", "sections"), plural(len(unaccepted), "is", "are"), joinTitles(unaccepted)))
		} else {
			data.Consequences = append(data.Consequences, "You have accepted every section.")
		}
		data.Consequences = append(data.Consequences, "The provider is emailed that their record is approved.",
			"From then on, changes the provider makes wait for an officer's review. To stop using the provider later, suspend them.")
	case "reject":
		data.Page = s.page(c, "Reject "+name+"?")
		data.Button, data.Warning, data.Reason = "Yes, reject the registration", true, reason
		data.Hidden = append(data.Hidden, hiddenField{"reason", reason})
		data.Consequences = []string{"The registration is turned down and the provider cannot change or submit this record again.",
			"The provider is emailed the reason:"}
	}
	data.Page.Back = "/review/providers/" + org.ID
	return render(c, fiber.StatusOK, "review/confirm", data)
}

// confirmSectionDecision shows the confirmation for accepting or declining a change held
// after approval.
func (s *Server) confirmSectionDecision(c *fiber.Ctx, orgID string, def provider.Definition, decision string, version int, reason string) error {
	org, err := provider.OrganisationByID(c.UserContext(), s.db, orgID)
	if err != nil {
		return err
	}
	data := reviewConfirmPage{Org: org, Action: "/review/providers/" + orgID + "/sections/" + string(def.Key) + "/decision",
		Hidden: []hiddenField{{"version", strconv.Itoa(version)}, {"decision", decision}, {"confirm", "yes"}}}
	if decision == "accept" {
		data.Page = s.page(c, "Accept the change to "+lower(def.Title)+"?")
		data.Button = "Yes, accept the change"
		data.Consequences = []string{"The proposed answers replace the approved ones and are in force at once.",
			"The provider is emailed that the change is accepted."}
	} else {
		data.Page = s.page(c, "Decline the change to "+lower(def.Title)+"?")
		data.Button, data.Warning, data.Reason = "Yes, decline the change", true, reason
		data.Hidden = append(data.Hidden, hiddenField{"reason-" + string(def.Key), reason})
		data.Consequences = []string{"The proposed answers are discarded; the approved ones stay in force.",
			"The provider is emailed the reason:"}
	}
	data.Page.Back = "/review/providers/" + orgID
	return render(c, fiber.StatusOK, "review/confirm", data)
}

// joinTitles lists titles as people write them: "A, B and C".
func joinTitles(titles []string) string {
	switch len(titles) {
	case 0:
		return ""
	case 1:
		return titles[0]
	}
	out := titles[0]
	for _, t := range titles[1 : len(titles)-1] {
		out += ", " + t
	}
	return out + " and " + titles[len(titles)-1]
}

// lower makes a section title fit mid-sentence ("Bank details" → "bank details").
func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
