package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// The owner's workflow on a real Redis this test controls: scan finds it,
// report describes it, verify says "still open"; the owner closes the port,
// verify says "closed" and the exposure is closed in the store.
func TestScanReportVerifyLifecycle(t *testing.T) {
	const addr = "127.77.46.40:6379"
	stop := ownRedis(t, addr)
	redisCLI(t, addr, "HSET", "sms:1", "to", "+15555550123", "body", "Your verification code is 123456")
	redisCLI(t, addr, "SET", "config:db_password", "Hunter2-prod!")
	db := filepath.Join(t.TempDir(), "lw.db")

	if _, errOut, code := runCLI(t, "scan", addr, "--db", db, "--quiet"); code != exitExposed {
		t.Fatalf("scan: exit %d: %s", code, errOut)
	}
	out, _, code := runCLI(t, "scans", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("scans: exit %d", code)
	}
	var scans []store.Scan // JSON Lines, one scan per line
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var sc store.Scan
		if err := json.Unmarshal([]byte(line), &sc); err != nil {
			t.Fatalf("scans --json: %v %q", err, out)
		}
		scans = append(scans, sc)
	}
	if len(scans) != 1 {
		t.Fatalf("scans --json: %d scans", len(scans))
	}
	md, errOut, code := runCLI(t, "report", "--scan", scans[0].ID, "--format", "md", "--db", db)
	if code != 0 || !strings.Contains(md, addr) || !strings.Contains(md, "redis") {
		t.Fatalf("report: exit %d %s\n%s", code, errOut, md)
	}
	if strings.Contains(md, "Hunter2-prod!") || strings.Contains(md, "123456") {
		t.Fatalf("the report leaks a raw sampled value:\n%s", md)
	}

	out, _, code = runCLI(t, "verify", addr, "--db", db, "--json")
	var res verifyResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("verify --json: %v %q", err, out)
	}
	if code != exitExposed || res.Verdict != verdictOpen || res.Previous != "data" {
		t.Fatalf("verify on the open server: exit %d, %+v", code, res)
	}

	stop()
	out, _, code = runCLI(t, "verify", addr, "--db", db)
	if code != exitOK || !strings.Contains(out, "closed") {
		t.Fatalf("verify after closing: exit %d %q", code, out)
	}
	out, _, _ = runCLI(t, "report", "--scan", scans[0].ID, "--format", "json", "--db", db)
	if !strings.Contains(out, `"resolved": true`) && !strings.Contains(out, `"resolved":true`) {
		t.Fatalf("the exposure was not closed in the store:\n%s", out)
	}
}

func TestVerifyGrades(t *testing.T) {
	data := &store.Exposure{Service: "redis", AccessLevel: "data"}
	open := func(level event.AccessLevel) *event.Event {
		return &event.Event{Status: event.StatusOpen, Service: &event.Service{Name: "redis"}, Access: event.Access{Level: level}}
	}
	cases := []struct {
		name string
		ev   *event.Event
		prev *store.Exposure
		want string
	}{
		{"port closed", nil, data, verdictClosed},
		{"asks for credentials", &event.Event{Status: event.StatusAuthRequired, Service: &event.Service{Name: "redis"}}, data, verdictClosed},
		{"still readable", open(event.AccessData), data, verdictOpen},
		{"only metadata now", open(event.AccessMetadata), data, verdictPartially},
		{"another open service", &event.Event{Status: event.StatusOpen, Service: &event.Service{Name: "memcached"}, Access: event.Access{Level: event.AccessData}}, data, verdictOpen},
		{"silent", &event.Event{Status: event.StatusTimeout}, nil, verdictClosed},
	}
	for _, c := range cases {
		if got, why := grade(c.ev, c.prev); got != c.want {
			t.Errorf("%s: %s (%s), want %s", c.name, got, why, c.want)
		}
	}
}
