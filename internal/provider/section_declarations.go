package provider

// DeclarationsAnswers are the provider's final declarations before submitting.
type DeclarationsAnswers struct {
	Accurate bool `form:"accurate" json:"accurate"`
	// NoticeRead confirms the current privacy notice was read; NoticeVersion records which.
	NoticeRead    bool `form:"notice_read" json:"notice_read"`
	NoticeVersion int  `form:"notice_version" json:"notice_version"`
	// DeclaredBy is who made the declaration; set by the service from the signed-in user.
	DeclaredBy string `form:"-" json:"declared_by"`
}

// Validate requires both declarations.
func (a *DeclarationsAnswers) Validate(Checks) map[string]string {
	errs := map[string]string{}
	if !a.Accurate {
		errs["accurate"] = "Confirm that the information you have given is accurate and complete"
	}
	switch {
	case !a.NoticeRead:
		errs["notice_read"] = "Confirm that you have read the privacy notice"
	case a.NoticeVersion < 1:
		// The form names the version shown; without it the record cannot say which was read.
		errs["notice_read"] = "Read the current privacy notice, then confirm that you have read it"
	}
	return errs
}

// Summary lists the declarations.
func (a *DeclarationsAnswers) Summary() []SummaryRow {
	yes := func(b bool) string {
		if b {
			return "Confirmed"
		}
		return "Not confirmed"
	}
	return []SummaryRow{
		{"Information is accurate and complete", yes(a.Accurate), "accurate"},
		{"Privacy notice read", yes(a.NoticeRead), "notice_read"},
	}
}
