package secevent_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"sessionplayer.studio/fitcheck/addrhash"
	"sessionplayer.studio/fitcheck/secevent"
)

func TestRecord(t *testing.T) {
	addrs, err := addrhash.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	client := netip.MustParseAddr("198.51.100.7")
	tests := []struct {
		name string
		e    secevent.Event
		want map[string]any
	}{
		{"failed sign-in", secevent.Event{Kind: secevent.SignInFailed, RequestID: "r1", Account: "owner@example.com", Client: client},
			map[string]any{"level": "WARN", "msg": "security event", "event": "sign_in_failed", "request_id": "r1",
				"account": "owner@example.com", "client_hash": addrs.Address(client)}},
		{"lock-out without an account", secevent.Event{Kind: secevent.LockedOut, RequestID: "r2", Client: client},
			map[string]any{"level": "WARN", "msg": "security event", "event": "locked_out", "request_id": "r2",
				"client_hash": addrs.Address(client)}},
		{"export with a count", secevent.Event{Kind: secevent.Exported, RequestID: "r3", Account: "owner@example.com", Client: client, Count: 12},
			map[string]any{"level": "INFO", "msg": "security event", "event": "exported", "request_id": "r3",
				"account": "owner@example.com", "client_hash": addrs.Address(client), "count": float64(12)}},
		{"unreadable address", secevent.Event{Kind: secevent.SignedIn, RequestID: "r4", Account: "owner@example.com"},
			map[string]any{"level": "INFO", "msg": "security event", "event": "signed_in", "request_id": "r4",
				"account": "owner@example.com", "client_hash": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&buf, nil))
			secevent.New(log, addrs).Record(t.Context(), tt.e)
			if strings.Contains(buf.String(), "198.51.100") {
				t.Errorf("log line %s carries the client address", buf.String())
			}
			var got map[string]any
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("log line %q: %v", buf.String(), err)
			}
			delete(got, "time")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Record(%+v) logged\n%v\nwant\n%v", tt.e, got, tt.want)
			}
		})
	}
}
