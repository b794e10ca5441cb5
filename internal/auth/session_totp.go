package auth

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// EnrolmentSecret is the authenticator-app secret a session is setting up: made, sealed to
// the session and kept on it the first time, so reloading the enrolment page shows the
// same QR code until the person proves their app has it.
func (s *Service) EnrolmentSecret(ctx context.Context, sess *Session, u *User) (string, error) {
	if sess.PendingTOTPSecret != nil {
		return s.OpenPendingSecret(sess.TokenHash, *sess.PendingTOTPSecret)
	}
	secret, _, err := s.StartTOTPEnrolment(u)
	if err != nil {
		return "", err
	}
	sealed, err := s.SealPendingSecret(sess.TokenHash, secret)
	if err != nil {
		return "", err
	}
	if err := setPendingTOTPSecret(ctx, s.DB, sess.TokenHash, sealed); err != nil {
		return "", err
	}
	sess.PendingTOTPSecret = &sealed
	return secret, nil
}

func setPendingTOTPSecret(ctx context.Context, q sqlx.ExecerContext, tokenHash []byte, sealed string) error {
	if _, err := q.ExecContext(ctx, `UPDATE sessions SET pending_totp_secret = $2 WHERE token_hash = $1`, tokenHash, sealed); err != nil {
		return fmt.Errorf("keep enrolment secret: %w", err)
	}
	return nil
}

// StepUp checks a fresh code from the person's authenticator app (single use, throttled
// and audited as user.totp.step_up) and marks their session stepped up, which finance asks
// for before showing bank details in full or exporting them.
func (s *Service) StepUp(ctx context.Context, sess *Session, u *User, code string) error {
	if err := s.CheckTOTP(ctx, u, code, "step_up"); err != nil {
		return err
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET stepped_up_at = now() WHERE token_hash = $1`, sess.TokenHash); err != nil {
		return fmt.Errorf("mark session stepped up: %w", err)
	}
	return nil
}
