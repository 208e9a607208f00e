package rabbitmq

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

// TestOpenDefaultCredentials: a stock RabbitMQ (guest/guest, reached from
// loopback) is open through its documented default user, and says so.
func TestOpenDefaultCredentials(t *testing.T) {
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "RABBITMQ_OPEN"))
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	if ev.Service.Version == "" || ev.Service.Info["default_credentials"] != "guest/guest" ||
		!strings.Contains(ev.Access.Proof, "default credentials guest/guest") {
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
	ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "RABBITMQ_AUTH"))
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s, want auth-required (no guest user there); errors %v", ev.Status, ev.Errors)
	}
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("access %+v dataset %+v", ev.Access, ev.Dataset)
	}
	if len(ev.Errors) != 1 || !strings.Contains(ev.Errors[0], "guest/guest was refused") {
		t.Errorf("errors %v", ev.Errors)
	}
}

// TestNoDefaultCredentials: with default credentials off, the stock
// RabbitMQ is auth-required: its API refused the request without
// credentials, and guest/guest is not tried.
func TestNoDefaultCredentials(t *testing.T) {
	tg := probetest.LabTarget(t, "RABBITMQ_OPEN")
	env := testEnv()
	env.Limits.NoDefaultCredentials = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc, err := New().Identify(ctx, env, tg)
	if svc == nil || err != nil {
		t.Fatalf("Identify = %v, %v", svc, err)
	}
	ev := event.New(tg.Addr(), tg.IP.String(), tg.Port)
	ev.Service = svc
	probe.Explore(ctx, env, New(), tg, ev)
	probetest.ValidateEvent(t, ev)
	if ev.Status != event.StatusAuthRequired || ev.Access.Level != event.AccessNone || ev.Dataset != nil ||
		ev.Service.Info["default_credentials"] != "" {
		t.Fatalf("status %s access %+v service %+v errors %v", ev.Status, ev.Access, ev.Service, ev.Errors)
	}
}

// TestGuestTriedOnce: the only credentials ever sent are guest/guest, in
// one request, and none at all with default credentials off. (A recording
// fake: a real server does not tell what it was sent.)
func TestGuestTriedOnce(t *testing.T) {
	for _, allowed := range []bool{true, false} {
		var mu sync.Mutex
		var auths []string
		tg := probetest.FakeHTTP(t, fakeAddr, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			auths = append(auths, r.Header.Get("Authorization"))
			mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="RabbitMQ Management"`)
			w.WriteHeader(401)
		})
		env := testEnv()
		env.Limits.NoDefaultCredentials = !allowed
		ev := probetest.ExploreTarget(context.Background(), New(), env, tg)
		want := []string{""}
		if allowed {
			want = append(want, "Basic Z3Vlc3Q6Z3Vlc3Q=") // guest:guest
		}
		if ev.Status != event.StatusAuthRequired || !slices.Equal(auths, want) {
			t.Errorf("default credentials allowed=%v: status %s, Authorization headers sent %q, want %q",
				allowed, ev.Status, auths, want)
		}
	}
}
