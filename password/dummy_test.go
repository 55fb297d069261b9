package password

import (
	"strings"
	"testing"
)

// TestDummyHashCostsWhatARealOneDoes checks the hash an unknown email is
// checked against: it must parse, carry the parameters real hashes are
// made with (so checking it takes as long), and match no password.
func TestDummyHashCostsWhatARealOneDoes(t *testing.T) {
	made := Hash("a password of reasonable length")
	params := made[:strings.LastIndex(made[:strings.LastIndex(made, "$")], "$")+1]
	if !strings.HasPrefix(dummyHash, params) {
		t.Errorf("dummyHash = %q, want the parameters of a real hash, %q", dummyHash, params)
	}
	for _, pw := range []string{"", "fitcheck: no such account, same cost as a real one", "a password of reasonable length"} {
		ok, err := Check(dummyHash, pw)
		if err != nil || ok {
			t.Errorf("Check(dummyHash, %q) = %v, %v, want false, nil", pw, ok, err)
		}
	}
}
