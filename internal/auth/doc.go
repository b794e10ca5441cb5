// Package auth is identity only: users, argon2id passwords and their policy, sign-in and its
// throttling, server-side sessions, TOTP second factors, roles, and the single-use links
// (password reset, staff invitation, email confirmation) that belong to an account. It owns
// the users, sessions, signin_attempts and one_time_tokens tables.
//
// Who belongs to which organisation, and how people join one (registering, invitations),
// is package membership, which sits above auth, privacy and provider; auth imports none of
// them. Other packages read a person's name through UserName and ActorName rather than the
// users table.
package auth
