package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// reportFailure writes the error that ends the program. Under
// -log-format json it is one JSON log record like every other line, with
// the message on one line whatever it holds (PostgreSQL's errors span
// several); otherwise it is plain text for the person at the terminal.
func reportFailure(stderr io.Writer, args []string, getenv func(string) string, err error) {
	if errors.Is(err, errReported) {
		return
	}
	if logFormatOf(args, getenv) == "json" {
		slog.New(slog.NewJSONHandler(stderr, nil)).Error("fitcheck stopped", slog.String("error", err.Error()))
		return
	}
	fmt.Fprintln(stderr, "fitcheck:", err)
}

// logFormatOf finds -log-format as parseConfig would, without needing the
// rest of the configuration to be valid: the failure may be that it is not.
func logFormatOf(args []string, getenv func(string) string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "log-format" || !strings.HasPrefix(a, "-") {
			continue
		}
		if hasValue {
			return value
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	if env, err := readEnvironment(getenv); err == nil {
		return env("FITCHECK_LOG_FORMAT")
	}
	return getenv("FITCHECK_LOG_FORMAT")
}
