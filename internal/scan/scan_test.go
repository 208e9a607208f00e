package scan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/store"
)

// collector is a sink that keeps events and checks each one on arrival:
// schema-valid JSON and no samples left in memory.
type collector struct {
	t      testing.TB
	mu     sync.Mutex
	events map[string]*event.Event
}

func newCollector(t testing.TB) *collector {
	return &collector{t: t, events: map[string]*event.Event{}}
}

func (c *collector) Event(_ context.Context, ev *event.Event) error {
	b, err := json.Marshal(ev)
	if err != nil {
		c.t.Error(err)
	}
	if err := docs.ValidateEvent(b); err != nil {
		c.t.Errorf("%s", err)
	}
	if ev.Dataset != nil {
		for _, ct := range ev.Dataset.Containers {
			if ct.Samples != nil {
				c.t.Errorf("%s:%d: samples reached the sinks", ev.IP, ev.Port)
			}
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := ap(ev.IP + ":" + itoa(ev.Port)).String()
	if c.events[key] != nil {
		c.t.Errorf("%s delivered twice", key)
	}
	c.events[key] = ev
	return nil
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestPipelineStatusesStagesAndStore(t *testing.T) {
	listen(t, "127.77.42.1:4201", speakHello)
	listen(t, "127.77.42.2:4201", closeAtOnce)
	listen(t, "127.77.42.3:4201", stall)
	listen(t, "127.77.42.5:4202", speakHello) // not the probe's port: still identified
	sc := items(t, []string{"127.77.42.1-5"}, []int{4201, 4202})

	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "lw.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := st.OpenScan(ctx, store.NewScan{Total: sc.Len()})
	if err != nil {
		t.Fatal(err)
	}

	var sampled sync.Map
	stage := func(_ context.Context, ev *event.Event) {
		if ev.Dataset != nil && len(ev.Dataset.Containers[0].Samples) == 1 {
			sampled.Store(ev.IP, string(ev.Dataset.Containers[0].Samples[0].Data))
			ev.Assessment = &event.Assessment{Severity: event.SeverityHigh, Reasons: []string{"e-mail and phone in DATA"}}
		}
	}
	var checkpoints []uint64
	col := newCollector(t)
	stats, err := Run(ctx, Config{
		ScanID: rec.ID, Items: sc.Items, Total: sc.Len(),
		Discover:        discover.Config{Rate: 1000, Timeout: time.Second},
		CheckpointEvery: 50 * time.Millisecond,
		Probes:          []probe.Probe{helloProbe{ports: []int{4201}}}, Limits: fastLimits(),
		Stages: []Stage{stage},
		Sinks:  []Sink{col, StoreSink(st)},
		Checkpoint: func(ctx context.Context, idx uint64) error {
			checkpoints = append(checkpoints, idx) // persist calls are serialised by the tracker
			return st.Checkpoint(ctx, rec.ID, idx)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]event.Status{
		"127.77.42.1:4201": event.StatusOpen,
		"127.77.42.2:4201": event.StatusNotIdentified,
		"127.77.42.3:4201": event.StatusTimeout,
		"127.77.42.5:4202": event.StatusOpen,
	}
	if len(col.events) != len(want) {
		t.Errorf("got %d events, want %d: %v", len(col.events), len(want), keys(col.events))
	}
	for addr, status := range want {
		ev := col.events[addr]
		if ev == nil {
			t.Errorf("%s: no event", addr)
			continue
		}
		if ev.Status != status {
			t.Errorf("%s: status %s, want %s (errors %v)", addr, ev.Status, status, ev.Errors)
		}
		if ev.ScanID != rec.ID || ev.Target != "127.77.42.1-5" {
			t.Errorf("%s: scan id %q target %q", addr, ev.ScanID, ev.Target)
		}
		if status == event.StatusOpen {
			if ev.Service == nil || ev.Service.Version != "1.2.3" || ev.Assessment == nil {
				t.Errorf("%s: service %+v assessment %+v", addr, ev.Service, ev.Assessment)
			}
			if v, ok := sampled.Load(ev.IP); !ok || v != "DATA customer jane@example.com +15550001111" {
				t.Errorf("%s: the stage saw sample %q", addr, v)
			}
		}
	}
	if stats.Open != 4 || stats.Identified != 2 || stats.Exposed != 2 || stats.Events != 4 || stats.Checkpoint != sc.Len() {
		t.Errorf("stats %+v", stats)
	}
	if len(checkpoints) == 0 || checkpoints[len(checkpoints)-1] != sc.Len() {
		t.Errorf("checkpoints %v, want the last to be %d", checkpoints, sc.Len())
	}
	got, _ := st.GetScan(ctx, rec.ID)
	if got.Services != 4 || got.Exposed != 2 || got.Checkpoint != sc.Len() {
		t.Errorf("stored scan %+v", got)
	}
}

func keys(m map[string]*event.Event) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestCancelStopsCleanly: Ctrl-C while ports stall returns promptly with
// the context's error, records only finished events, and leaves the
// checkpoint below the unfinished ports.
func TestCancelStopsCleanly(t *testing.T) {
	listen(t, "127.77.42.20:4203", speakHello)
	for _, a := range []string{"127.77.42.21:4203", "127.77.42.22:4203", "127.77.42.23:4203"} {
		listen(t, a, stall)
	}
	sc := items(t, []string{"127.77.42.20-23"}, []int{4203})
	ctx, cancel := context.WithCancel(context.Background())
	col := newCollector(t)
	first := make(chan struct{})
	var once sync.Once
	sink := SinkFunc(func(ctx context.Context, ev *event.Event) error {
		once.Do(func() { close(first) })
		return col.Event(ctx, ev)
	})
	go func() { <-first; cancel() }()
	l := fastLimits()
	l.ReadTimeout, l.IdentifyTimeout = 30*time.Second, 30*time.Second
	start := time.Now()
	stats, err := Run(ctx, Config{Items: sc.Items, Total: sc.Len(), Probes: []probe.Probe{helloProbe{ports: []int{4203}}},
		Limits: l, Sinks: []Sink{sink}, Discover: discover.Config{Timeout: time.Second}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 10*time.Second { // the stalled reads wait 30 s
		t.Errorf("stopping took %s", d)
	}
	if ev := col.events["127.77.42.20:4203"]; ev == nil || ev.Status != event.StatusOpen || len(col.events) != 1 {
		t.Errorf("events %v", keys(col.events))
	}
	firstStalled := sc.Len()
	for i, it := range sc.Items(0) {
		if it.IP.String() != "127.77.42.20" {
			firstStalled = min(firstStalled, i)
		}
	}
	if stats.Checkpoint > firstStalled {
		t.Errorf("checkpoint %d moved past the stalled port at index %d", stats.Checkpoint, firstStalled)
	}
}

// TestResumeSkipsRecordedPorts: a resumed scan starts at its checkpoint and
// does not deliver a port the interrupted run recorded.
func TestResumeSkipsRecordedPorts(t *testing.T) {
	listen(t, "127.77.42.30:4204", speakHello)
	listen(t, "127.77.42.31:4204", speakHello)
	sc := items(t, []string{"127.77.42.30-31"}, []int{4204})
	col := newCollector(t)
	stats, err := Run(context.Background(), Config{Items: sc.Items, Total: sc.Len(),
		Skip:   map[netip.AddrPort]bool{ap("127.77.42.30:4204"): true},
		Probes: []probe.Probe{helloProbe{ports: []int{4204}}}, Limits: fastLimits(), Sinks: []Sink{col}})
	if err != nil {
		t.Fatal(err)
	}
	if len(col.events) != 1 || col.events["127.77.42.31:4204"] == nil || stats.Skipped != 1 {
		t.Errorf("events %v, stats %+v", keys(col.events), stats)
	}
}

// TestSinkErrorStopsTheScan: a store that cannot write ends the scan with
// its error instead of silently losing findings.
func TestSinkErrorStopsTheScan(t *testing.T) {
	listen(t, "127.77.42.40:4205", speakHello)
	sc := items(t, []string{"127.77.42.40"}, []int{4205})
	boom := errors.New("disk full")
	var cp []uint64
	_, err := Run(context.Background(), Config{Items: sc.Items, Total: sc.Len(),
		Probes: []probe.Probe{helloProbe{ports: []int{4205}}}, Limits: fastLimits(),
		Sinks:      []Sink{SinkFunc(func(context.Context, *event.Event) error { return boom })},
		Checkpoint: func(_ context.Context, i uint64) error { cp = append(cp, i); return nil }})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	if len(cp) != 0 {
		t.Errorf("checkpoint advanced to %v past an unrecorded event", cp)
	}
}

func TestNoProbesMeansNotIdentified(t *testing.T) {
	listen(t, "127.77.42.50:4206", speakHello)
	sc := items(t, []string{"127.77.42.50"}, []int{4206})
	col := newCollector(t)
	if _, err := Run(context.Background(), Config{Items: sc.Items, Total: sc.Len(), Limits: fastLimits(), Sinks: []Sink{col}}); err != nil {
		t.Fatal(err)
	}
	if ev := col.events["127.77.42.50:4206"]; ev == nil || ev.Status != event.StatusNotIdentified {
		t.Fatalf("events %v", col.events)
	}
}

func TestTrackerCheckpoint(t *testing.T) {
	var got []uint64
	tr := newTracker(10, func(i uint64) { got = append(got, i) })
	tr.add(12)
	tr.add(15)
	tr.discoveredUpTo(20) // held back by 12
	tr.done(15)           // 12 still in flight
	if fmt.Sprint(got) != "[12]" {
		t.Fatalf("checkpoints %v, want [12]", got)
	}
	tr.done(12) // nothing in flight: the watermark
	tr.add(25)
	tr.discoveredUpTo(30)
	tr.discoveredUpTo(28) // watermarks never go back
	tr.done(25)
	if want := "[12 20 25 30]"; fmt.Sprint(got) != want {
		t.Fatalf("checkpoints %v, want %s", got, want)
	}
}

func TestPanickingStageBecomesAnError(t *testing.T) {
	listen(t, "127.77.42.60:4207", speakHello)
	sc := items(t, []string{"127.77.42.60"}, []int{4207})
	col := newCollector(t)
	_, err := Run(context.Background(), Config{Items: sc.Items, Total: sc.Len(), Limits: fastLimits(), Sinks: []Sink{col},
		Probes: []probe.Probe{helloProbe{ports: []int{4207}}},
		Stages: []Stage{func(context.Context, *event.Event) { panic("boom") }}})
	if err != nil {
		t.Fatal(err)
	}
	ev := col.events["127.77.42.60:4207"]
	if ev == nil || ev.Status != event.StatusOpen || len(ev.Errors) != 1 {
		t.Fatalf("event %+v", ev)
	}
}
