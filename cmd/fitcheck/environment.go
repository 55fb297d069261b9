package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// envVar is a setting that only the environment gives: a secret, or a URL
// that is its own credential. A flag would show it to everyone on the
// machine in ps and leave it in shell history.
type envVar struct {
	name  string
	usage string
}

// envOnly lists them, for -h and for the settings test, which starts the
// server with each and looks for its effect.
var envOnly = []envVar{
	{"FITCHECK_SESSION_KEY", "secret (32+ characters) that signs and encrypts session cookies.\n" +
		"If unset, one is generated on first run and kept next to the\n" +
		"database (DB.session-key), so restarts keep visitors' sessions.\n" +
		"Required with PostgreSQL: every instance must use the same one."},
	{"FITCHECK_SMTP_PASSWORD", "password for the -smtp-url user"},
	{"FITCHECK_WEBHOOK_URL", "URL that gets a signed JSON POST for each new assessment and\nmessage (docs/webhooks.md); such URLs often carry their own secret"},
	{"FITCHECK_WEBHOOK_SECRET", "whsec_… secret that signs FITCHECK_WEBHOOK_URL requests (Standard Webhooks)"},
	{"FITCHECK_SLACK_WEBHOOK_URL", "Slack incoming-webhook URL (its path is its credential): a message\nfor each new assessment and message"},
	{"FITCHECK_CALCOM_WEBHOOK_SECRET", "secret of the Cal.com webhook that reports bookings (POST /hooks/cal)"},
	{"FITCHECK_CALENDLY_SIGNING_KEY", "signing key of the Calendly webhook subscription (POST /hooks/calendly)"},
}

// postgresEnv are read by the PostgreSQL driver itself, so the password
// need not be in -db (which shows in ps).
var postgresEnvVars = []envVar{
	{"PGPASSWORD", "password for the -db PostgreSQL user, when -db names none"},
	{"PGPASSFILE", "a file of host:port:database:user:password lines (default ~/.pgpass)"},
}

// fileSuffix marks the twin of a FITCHECK_ variable that names a file
// holding its value (the convention of container secrets): the file is
// read at start, and a trailing newline dropped.
const fileSuffix = "_FILE"

// removedFlags are flags that used to carry credentials. They are refused
// with the variable to use instead, rather than accepted with a warning:
// accepted, the secret would go on showing in ps on every start, which is
// the leak their removal closes.
var removedFlags = map[string]string{
	"webhook-url":       "FITCHECK_WEBHOOK_URL",
	"slack-webhook-url": "FITCHECK_SLACK_WEBHOOK_URL",
}

// refuseRemovedFlags names the environment variable that replaces a removed
// flag, instead of the flag package's bare "flag provided but not defined".
func refuseRemovedFlags(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if env, ok := removedFlags[name]; ok && strings.HasPrefix(a, "-") {
			return fmt.Errorf("-%s is no longer a flag, because a flag shows its URL, a credential, in ps: set %s (or %s%s, a file holding it) in the environment instead", name, env, env, fileSuffix)
		}
	}
	return nil
}

// settingNames are every FITCHECK_ variable fitcheck reads.
func settingNames() []string {
	var names []string
	for _, env := range envNames {
		names = append(names, env)
	}
	for _, v := range envOnly {
		names = append(names, v.name)
	}
	return names
}

// readEnvironment returns getenv with every FITCHECK_ variable's _FILE twin
// read: FITCHECK_X_FILE=/run/secrets/x gives FITCHECK_X the file's content.
// Setting both is an error, as is a file that cannot be read.
func readEnvironment(getenv func(string) string) (func(string) string, error) {
	values := map[string]string{}
	var problems []error
	for _, name := range settingNames() {
		value, file := getenv(name), getenv(name+fileSuffix)
		switch {
		case file != "" && value != "":
			problems = append(problems, fmt.Errorf("%s and %s%s are both set: keep one", name, name, fileSuffix))
		case file != "":
			b, err := os.ReadFile(file)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s%s: %w", name, fileSuffix, err))
				continue
			}
			values[name] = strings.TrimRight(string(b), "\r\n")
		case value != "":
			values[name] = value
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return func(name string) string {
		if v, ok := values[name]; ok {
			return v
		}
		return getenv(name)
	}, nil
}

func writeEnvOnlyUsage(w io.Writer) {
	fmt.Fprint(w, "\nEnvironment only (never flags: flags show in ps):\n")
	for _, v := range envOnly {
		fmt.Fprintf(w, "  %s\n    \t%s\n", v.name, strings.ReplaceAll(v.usage, "\n", "\n    \t"))
	}
	fmt.Fprintf(w, "\nAny FITCHECK_ variable can instead name a file holding its value: %s%s\n", "FITCHECK_SESSION_KEY", fileSuffix)
	fmt.Fprint(w, "(e.g. /run/secrets/session-key, or systemd's $CREDENTIALS_DIRECTORY/…).\n")
	fmt.Fprint(w, "\nPostgreSQL (read by its driver, so -db need not hold the password):\n")
	for _, v := range postgresEnvVars {
		fmt.Fprintf(w, "  %s\n    \t%s\n", v.name, v.usage)
	}
}
