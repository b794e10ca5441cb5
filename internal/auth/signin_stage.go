package auth

// StageAfterPassword is the session stage a correct password leads to. Everyone gives a
// second factor: staff and providers who have set up an authenticator app give a code
// from it; staff without one must set it up first, as must providers when the council
// requires the app (ProviderAppRequired); other providers are emailed a one-time code.
func (s *Service) StageAfterPassword(u *User) Stage {
	switch {
	case u.TOTPSecret != nil:
		return StageMFA
	case u.IsStaff() || s.ProviderAppRequired:
		return StageEnrol
	}
	return StageCode
}
