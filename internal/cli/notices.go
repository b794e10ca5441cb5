package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"github.com/council/provider-portal/internal/apperr"
	"github.com/council/provider-portal/internal/audit"
	"github.com/council/provider-portal/internal/config"
	"github.com/council/provider-portal/internal/db"
	"github.com/council/provider-portal/internal/privacy"
)

// maxNoticeBytes bounds a notice body read from a file or standard input.
const maxNoticeBytes = 1 << 20

// notices publishes privacy notice versions until the data protection officer has a screen
// for it. Every provider user is asked to read a newly published version at their next
// request once its effective date has come.
func notices(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "publish" {
		return usagef("say publish")
	}
	fs := newFlags("notices publish", env)
	title := fs.String("title", "", "the notice's title")
	effective := fs.String("effective", "", "the date it takes effect, YYYY-MM-DD")
	file := fs.String("file", "", "the Markdown body; - reads standard input")
	by := fs.String("by", "", "who is publishing it, as recorded (default: the operator's login)")
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if *title == "" || *effective == "" || *file == "" {
		return usagef("--title, --effective and --file are required")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %v", fs.Args())
	}
	day, err := time.Parse(time.DateOnly, *effective)
	if err != nil {
		return usagef("--effective must be a date like 2026-04-01 (it is %q)", *effective)
	}
	body, err := readNoticeBody(*file, env)
	if err != nil {
		return err
	}
	cfg, err := config.Load(env.Getenv, false)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return usagef("DATABASE_URL is not set")
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	operator := "portal-cli:" + osUser(env)
	if *by == "" {
		*by = operator
	}
	ctx = audit.WithActor(ctx, audit.Actor{Email: operator, Roles: []string{"operator"}})
	n, err := privacy.Publish(ctx, d, privacy.AudienceProvider, *title, body, day, *by)
	if apperr.Is(err, apperr.Invalid) {
		return usagef("%s", apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Published %q as version %d of the provider privacy notice, in force from %s (id %s).\n",
		n.Title, n.Version, n.EffectiveFrom.Format("2 January 2006"), n.ID)
	fmt.Fprintln(env.Stdout, "Provider users will be asked to read it at their next visit once it is in force.")
	return nil
}

// readNoticeBody reads the Markdown from a file, or standard input for "-".
func readNoticeBody(name string, env Env) (string, error) {
	var r io.Reader
	if name == "-" {
		if env.Stdin == nil {
			return "", usagef("--file - reads the notice from standard input, but there is none")
		}
		r = env.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return "", usagef("cannot read the notice: %v", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxNoticeBytes+1))
	if err != nil {
		return "", fmt.Errorf("read notice: %w", err)
	}
	if len(b) > maxNoticeBytes {
		return "", usagef("the notice is longer than %d bytes", maxNoticeBytes)
	}
	if !utf8.Valid(b) {
		return "", usagef("the notice is not UTF-8 text")
	}
	return string(b), nil
}
