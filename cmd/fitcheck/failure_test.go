package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestJSONLogsStayJSONToTheEnd: under -log-format json the line that says
// why fitcheck stopped is a JSON record too, on one line, even for
// PostgreSQL's multi-line connection errors and for a configuration it
// refuses before it has a logger.
func TestJSONLogsStayJSONToTheEnd(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"database never answers", map[string]string{"FITCHECK_LOG_FORMAT": "json", "FITCHECK_DB_WAIT": "1s",
			"FITCHECK_DB":          "postgres://fit@localhost:" + strings.Split(freeAddr(t), ":")[1] + "/fitcheck?connect_timeout=1",
			"FITCHECK_SESSION_KEY": strings.Repeat("j", 32)}, nil, "no answer after"},
		{"refused configuration", map[string]string{"FITCHECK_ADDR": "nowhere"}, []string{"-log-format", "json"}, "must be host:port"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"FITCHECK_DB": t.TempDir() + "/fitcheck.db"}
			for k, v := range tt.env {
				env[k] = v
			}
			p := runBinary(t, env, tt.args...)
			select {
			case <-p.exit:
				if p.err == nil {
					t.Fatalf("fitcheck exited 0, want a failure")
				}
			case <-time.After(time.Minute):
				t.Fatal("fitcheck did not stop")
			}
			lines := strings.Split(strings.TrimSpace(p.logs.String()), "\n")
			for _, line := range lines {
				if !json.Valid([]byte(line)) {
					t.Errorf("not a JSON line: %s", line)
				}
			}
			var last struct{ Level, Msg, Error string }
			json.Unmarshal([]byte(lines[len(lines)-1]), &last)
			if last.Level != "ERROR" || last.Msg != "fitcheck stopped" || !strings.Contains(last.Error, tt.want) {
				t.Errorf("last line = %s, want an ERROR record saying %q", lines[len(lines)-1], tt.want)
			}
		})
	}
}
