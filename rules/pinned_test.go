package rules_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/assessment"
	"sessionplayer.studio/fitcheck/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// pinnedVersions are earlier default questionnaires, kept byte for byte
// from git history. Results stored against them are rendered from them, so
// each must still parse under today's schema and decide exactly as it did:
// the golden file holds every example's full result (outcome, rule, reason,
// levels, decisive reasons, near-miss) as the engine computed it when the
// version was current.
var pinnedVersions = []struct{ content, golden string }{
	// The default before the decisive reasons and near-miss were added.
	{"default-before-decisive.yaml", "default-before-decisive.golden.json"},
	// The second default (three hard situations told apart), in force
	// until the third version added what founders ask for against what
	// they describe.
	{"default-v2.yaml", "default-v2.golden.json"},
}

func TestPinnedVersionsDecideAsTheyDid(t *testing.T) {
	for _, v := range pinnedVersions {
		t.Run(v.content, func(t *testing.T) {
			q, err := rules.Load(mustRead(t, v.content))
			if err != nil {
				t.Fatalf("Load(%s) = %v", v.content, err)
			}
			got := pinnedResults(q)
			path := filepath.Join("testdata", v.golden)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("results of %s differ from %s:\n%s", v.content, v.golden, firstDifference(string(want), string(got)))
			}
			for _, ex := range q.Examples {
				if res := rules.Evaluate(q, ex.Answers); res.Outcome != ex.Expect {
					t.Errorf("%s: %s, want %s", ex.Name, res.Outcome, ex.Expect)
				}
			}
		})
	}
}

// pinnedResults is every example's stored-form result, as indented JSON.
func pinnedResults(q *assessment.Questionnaire) []byte {
	type row struct {
		Example string            `json:"example"`
		Result  assessment.Result `json:"result"`
	}
	rows := make([]row, len(q.Examples))
	for i, ex := range q.Examples {
		rows[i] = row{Example: ex.Name, Result: rules.EvaluateWithNearMiss(q, ex.Answers)}
	}
	out, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}

// firstDifference shows the first line where two texts part, with a little
// context, so a failure reads without a diff tool.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			from := max(0, i-3)
			return "line " + strconv.Itoa(i+1) + "\n--- want\n" + strings.Join(w[from:min(len(w), i+3)], "\n") +
				"\n+++ got\n" + strings.Join(g[from:min(len(g), i+3)], "\n")
		}
	}
	return ""
}
