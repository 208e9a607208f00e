package rabbitmq

import (
	"strconv"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
)

func TestOpenBehindProxy(t *testing.T) {
	ev := identifyAndExplore(t, labTarget(t, "RABBITMQ_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	if ev.Service.Version == "" || !strings.Contains(ev.Access.Proof, "without credentials") {
		t.Errorf("service %+v proof %q", ev.Service, ev.Access.Proof)
	}
	got := map[string]event.Container{}
	for _, c := range ev.Dataset.Containers {
		got[c.Name] = c
	}
	for _, kv := range strings.Split(labtest.Get(t, "RABBITMQ_QUEUES"), ",") {
		name, v, _ := strings.Cut(kv, ":")
		n, _ := strconv.ParseInt(v, 10, 64)
		c, ok := got[name]
		if !ok || c.Kind != "queue" || c.Documents == nil || *c.Documents != n || c.Bytes == nil || *c.Bytes <= 0 {
			t.Errorf("queue %s: %+v, want %d messages", name, c, n)
		}
		if c.Sampled != 0 {
			t.Errorf("queue %s: messages were read", name)
		}
	}
	users := got["users"]
	if users.Documents == nil || *users.Documents != 3 || users.Sampled != 3 {
		t.Fatalf("users: %+v", users)
	}
	for _, s := range users.Samples {
		if !strings.Contains(string(s.Data), "password_hash") {
			t.Errorf("user sample %s lacks the hash", s.Key)
		}
	}
}

func TestAuthRequired(t *testing.T) {
	ev := identifyAndExplore(t, labTarget(t, "RABBITMQ_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required (guest/guest is never tried); errors %v", ev.Status, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}
