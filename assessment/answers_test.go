package assessment_test

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"sessionplayer.studio/fitcheck/assessment"
)

func TestAnswersUnmarshalYAML(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want assessment.Answers
	}{
		{"scalar", "stage: growing", assessment.Answers{"stage": {"growing"}}},
		{"flow list", "symptoms: [busy-uneven, new-direction]", assessment.Answers{"symptoms": {"busy-uneven", "new-direction"}}},
		{"block list", "tried:\n  - roadmap\n  - process", assessment.Answers{"tried": {"roadmap", "process"}}},
		{"one-item list", "tried: [roadmap]", assessment.Answers{"tried": {"roadmap"}}},
		{"quoted scale point", `alignment: "4"`, assessment.Answers{"alignment": {"4"}}},
		{"unquoted scale point", "alignment: 4", assessment.Answers{"alignment": {"4"}}},
		{"text", "stuck-decision: Which of our ideas gets next quarter.", assessment.Answers{"stuck-decision": {"Which of our ideas gets next quarter."}}},
		{
			"mixed",
			"stage: growing\nsymptoms: [busy-uneven]\nalignment: \"3\"",
			assessment.Answers{"stage": {"growing"}, "symptoms": {"busy-uneven"}, "alignment": {"3"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got assessment.Answers
			if err := yaml.Unmarshal([]byte(tt.yaml), &got); err != nil {
				t.Fatalf("Unmarshal(%q) = %v", tt.yaml, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Unmarshal(%q) = %v, want %v", tt.yaml, got, tt.want)
			}
		})
	}
}

func TestAnswersUnmarshalYAMLRejects(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		msg  string
	}{
		{"not a mapping", "answers: [growing, strong]", "line 1: answers must be a mapping"},
		{"nested mapping", "answers:\n  stage: growing\n  symptoms: {busy: yes}", `line 3: answer "symptoms" must be a value or a list`},
		{"list of lists", "answers:\n  tried: [[roadmap]]", `answer "tried"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Answers assessment.Answers `yaml:"answers"`
			}
			err := yaml.Unmarshal([]byte(tt.yaml), &got)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Unmarshal(%q) error = %v, want it to contain %q", tt.yaml, err, tt.msg)
			}
		})
	}
}
