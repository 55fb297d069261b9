package password_test

import (
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/password"
)

func TestPasswordHashing(t *testing.T) {
	hash := password.Hash("correct horse battery staple")
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q, want argon2id with 19 MiB, 2 passes and its parameters stored", hash)
	}
	if other := password.Hash("correct horse battery staple"); other == hash {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
		wantErr  bool
	}{
		{"right password", hash, "correct horse battery staple", true, false},
		{"wrong password", hash, "correct horse battery stapler", false, false},
		{"empty password", hash, "", false, false},
		{"weaker parameters still verify", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), "x", false, false},
		{"not argon2id", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"garbled", "$argon2id$v=19$m=x,t=2,p=1$$", "x", false, true},
		{"zero lanes", "$argon2id$v=19$m=19456,t=2,p=0$c2FsdA$aGFzaA", "x", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := password.Check(tt.hash, tt.password)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("Check(%q) = %v, %v; want %v, error %v", tt.password, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		password string
		ok       bool
	}{
		{"short", false},
		{"elevenchars", false},
		{"twelve chars", true},
		{"ünïcödé pässwörd", true}, // counted in characters, not bytes
		{"            ", false},
		{strings.Repeat("long passphrase ", 60), true},
		{strings.Repeat("x", 1025), false},
	}
	for _, tt := range tests {
		if msg := password.CheckRules(tt.password); (msg == "") != tt.ok {
			t.Errorf("CheckRules(%.20q) = %q, want ok=%v", tt.password, msg, tt.ok)
		}
	}
	if msg := password.CheckRules("ääää"); !strings.Contains(msg, "12") {
		t.Errorf("short password message = %q, want it to name the minimum", msg)
	}
}
