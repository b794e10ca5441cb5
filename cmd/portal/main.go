// Command portal is the Provider Portal: the web server and the operator's commands.
// Everything it does lives in internal/cli; main only hands over the process's surroundings.
package main

import (
	"os"

	"github.com/council/provider-portal/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}))
}
