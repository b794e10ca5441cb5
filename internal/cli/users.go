package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/auth"
	"github.com/council/provider-portal/internal/db"
	"github.com/jmoiron/sqlx"
)

// roleFlags collects repeated --role flags (a comma-separated list also works).
type roleFlags []auth.Role

func (r *roleFlags) String() string { return fmt.Sprint(*r) }

func (r *roleFlags) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		role, ok := auth.ParseRole(part)
		if !ok {
			return fmt.Errorf("unknown role %q: use provider, officer, finance, dpo or admin", part)
		}
		*r = append(*r, role)
	}
	return nil
}

func users(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return usagef("say add or disable")
	}
	s, ctx, err := operatorServices(ctx, env)
	if err != nil {
		return err
	}
	defer s.DB.Close()
	switch args[0] {
	case "add":
		return usersAdd(ctx, s, args[1:], env)
	case "disable":
		return usersDisable(ctx, s, args[1:], env)
	}
	return usagef("unknown users command %q: say add or disable", args[0])
}

// osUser names the operator running the command, for the audit trail.
func osUser(env Env) string {
	if u := env.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// usersAdd makes a user with the password given on standard input, or a generated one
// printed once (the operator passes it on; it is never stored in clear).
func usersAdd(ctx context.Context, s *services, args []string, env Env) error {
	fs := newFlags("users add", env)
	email := fs.String("email", "", "email address")
	name := fs.String("name", "", "full name")
	var roles roleFlags
	fs.Var(&roles, "role", "role (repeat for several): provider, officer, finance, dpo, admin")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *email == "" || *name == "" || len(roles) == 0 {
		return usagef("--email, --name and at least one --role are required")
	}
	password, generated := readPassword(env)
	if generated {
		password = auth.NewToken()[:24]
	}
	var u *auth.User
	err := db.Transact(ctx, s.DB, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.Auth.CreateUser(ctx, tx, auth.NewUser{Email: *email, Name: *name, Roles: roles, Password: password, EmailConfirmed: true})
		return err
	})
	if fields := apperr.FieldsOf(err); fields != nil {
		var msgs []string
		for f, m := range fields {
			msgs = append(msgs, f+": "+m)
		}
		return usagef("%s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Added %s <%s> (%s), id %s\n", u.Name, u.Email, strings.Join(u.RoleNames, ", "), u.ID)
	if generated {
		fmt.Fprintf(env.Stdout, "Password (shown once): %s\n", password)
	}
	if u.IsStaff() {
		fmt.Fprintln(env.Stdout, "They will set up an authenticator app at their first sign-in.")
	}
	return nil
}

// readPassword takes the first line of standard input when something is piped in.
func readPassword(env Env) (string, bool) {
	if f, ok := env.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice != 0 {
			return "", true
		}
	}
	if env.Stdin == nil {
		return "", true
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" && err != nil {
		return "", true
	}
	return line, line == ""
}

func usersDisable(ctx context.Context, s *services, args []string, env Env) error {
	fs := newFlags("users disable", env)
	email := fs.String("email", "", "email address of the user to disable")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *email == "" {
		return usagef("--email is required")
	}
	u, err := auth.UserByEmail(ctx, s.DB, *email)
	if err != nil {
		return usagef("%s", apperr.MessageOf(err))
	}
	if err := s.Auth.Disable(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Disabled %s <%s>; their sessions have ended.\n", u.Name, u.Email)
	return nil
}
