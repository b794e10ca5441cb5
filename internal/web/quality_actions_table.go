package web

import "github.com/council/provider-portal/internal/quality"

// qaActionsTable is the view model of the "qa-actions-table" partial: the actions, and the
// path each links under (officers' and providers' action pages differ).
type qaActionsTable struct {
	Actions []quality.Action
	Href    string
}

func actionsTable(actions []quality.Action, href string) qaActionsTable {
	return qaActionsTable{Actions: actions, Href: href}
}
