package auth

// StageAfterPassword is the session stage a correct password leads to: staff who have not
// set up an authenticator app must do so first, other staff give a code from it each time,
// and providers (who have no second factor) are signed in.
func (u *User) StageAfterPassword() Stage {
	switch {
	case u.IsStaff() && u.TOTPSecret == nil:
		return StageEnrol
	case u.IsStaff():
		return StageMFA
	}
	return StageFull
}
