package watch

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/store"
)

// A group whose scan takes longer than its interval never runs twice at
// once (River unique jobs by group), while two groups do run side by side.
func TestGroupNeverRunsTwiceAtOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, dsn string) {
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var mu sync.Mutex
		running := map[string]int{}
		maxRunning := map[string]int{}
		runs := map[string]int{}
		together := false
		slowScan := func(ctx context.Context, g Group, started func(string)) (ScanResult, error) {
			sc, err := st.OpenScan(ctx, store.NewScan{})
			if err != nil {
				return ScanResult{}, err
			}
			started(sc.ID)
			mu.Lock()
			running[g.Name]++
			runs[g.Name]++
			maxRunning[g.Name] = max(maxRunning[g.Name], running[g.Name])
			together = together || (running["a"] > 0 && running["b"] > 0)
			mu.Unlock()
			select { // 1.5 s: longer than the 1 s interval
			case <-time.After(1500 * time.Millisecond):
			case <-ctx.Done():
			}
			mu.Lock()
			running[g.Name]--
			mu.Unlock()
			status := store.ScanDone
			if ctx.Err() != nil {
				status = store.ScanInterrupted
			}
			return ScanResult{ScanID: sc.ID, Status: status}, st.FinishScan(context.WithoutCancel(ctx), sc.ID, store.Finish{Status: status})
		}
		cfg := &Config{Groups: []Group{
			{Name: "a", Targets: []string{"127.77.46.60"}, Every: "1s"},
			{Name: "b", Targets: []string{"127.77.46.61"}, Every: "1s"},
		}}
		if _, err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		w := &Watcher{Store: st, Config: cfg, Scan: slowScan, Tick: 50 * time.Millisecond, Log: t.Logf}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := w.Run(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, g := range []string{"a", "b"} {
			if maxRunning[g] != 1 {
				t.Errorf("group %s: %d scans at once", g, maxRunning[g])
			}
			// 5 s of 1.5 s scans back to back: at most 4 runs (3 when the
			// machine is busy), not one per 50 ms tick.
			if runs[g] < 1 || runs[g] > 4 {
				t.Errorf("group %s ran %d times in 5 s", g, runs[g])
			}
		}
		if !together {
			t.Error("the two groups never scanned at the same time")
		}
		groups, err := st.WatchGroups(context.Background())
		if err != nil || len(groups) != 2 {
			t.Fatalf("stored groups: %+v, %v", groups, err)
		}
		for _, g := range groups {
			if g.LastRun == nil || g.LastScanID == "" || g.Every != time.Second {
				t.Errorf("group %s not recorded: %+v", g.Name, g)
			}
		}
	})
}

func TestConfigFiles(t *testing.T) {
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "w.yaml")
	tomlFile := filepath.Join(dir, "w.toml")
	writeFile(t, yamlFile, `groups:
  - name: dmz
    targets: [10.0.0.0/24, db.example.internal]
    excludes: [10.0.0.5]
    ports: "6379,9200-9201"
    every: 1h
    channels: [soc, mail]
  - name: cloud
    targets: [192.0.2.10]
    every: 24h
channels:
  - name: soc
    type: webhook
    url: https://soc.example/hook
    secret: ${LW_SECRET}
    min_severity: high
  - name: mail
    type: smtp
    addr: mail.example:587
    from: leakwatch@example.org
    to: [secops@example.org]
alerts:
  wipe_min_documents: 500
`)
	writeFile(t, tomlFile, `[[groups]]
name = "dmz"
targets = ["10.0.0.0/24", "db.example.internal"]
excludes = ["10.0.0.5"]
ports = "6379,9200-9201"
every = "1h"
channels = ["soc", "mail"]

[[groups]]
name = "cloud"
targets = ["192.0.2.10"]
every = "24h"

[[channels]]
name = "soc"
type = "webhook"
url = "https://soc.example/hook"
secret = "${LW_SECRET}"
min_severity = "high"

[[channels]]
name = "mail"
type = "smtp"
addr = "mail.example:587"
from = "leakwatch@example.org"
to = ["secops@example.org"]

[alerts]
wipe_min_documents = 500
`)
	t.Setenv("LW_SECRET", "from-env")
	for _, f := range []string{yamlFile, tomlFile} {
		c, err := LoadConfig(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		chans, err := c.Validate()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(c.Groups) != 2 || len(chans) != 2 || c.Alerts.WipeMinDocuments != 500 || c.Groups[0].Ports != "6379,9200-9201" {
			t.Fatalf("%s: %+v", f, c)
		}
		ports, _ := c.Groups[0].PortList()
		if len(ports) != 3 {
			t.Errorf("%s: ports %v", f, ports)
		}
		if chans[0].MinSeverity() != "high" || chans[1].Name() != "mail" {
			t.Errorf("%s: channels %+v", f, chans)
		}
	}
	for name, body := range map[string]string{
		"unknown key":       "groups:\n  - name: a\n    targets: [10.0.0.1]\n    every: 1h\n    evry: 2h\n",
		"no every":          "groups:\n  - name: a\n    targets: [10.0.0.1]\n",
		"undefined channel": "groups:\n  - name: a\n    targets: [10.0.0.1]\n    every: 1h\n    channels: [nope]\n",
		"bad severity":      "groups:\n  - name: a\n    targets: [10.0.0.1]\n    every: 1h\nchannels:\n  - {name: x, type: slack, url: 'https://h/x', min_severity: severe}\n",
		"bad ports":         "groups:\n  - name: a\n    targets: [10.0.0.1]\n    every: 1h\n    ports: '70000'\n",
		"bad url":           "groups:\n  - name: a\n    targets: [10.0.0.1]\n    every: 1h\nchannels:\n  - {name: x, type: webhook, url: 'ftp://h/x'}\n",
		"duplicate group":   "groups:\n  - {name: a, targets: [10.0.0.1], every: 1h}\n  - {name: a, targets: [10.0.0.2], every: 1h}\n",
	} {
		f := filepath.Join(dir, "bad.yaml")
		writeFile(t, f, body)
		c, err := LoadConfig(f)
		if err == nil {
			_, err = c.Validate()
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"6379", "1-3,5", "", "65535", "0", "9-1", " 80 , 443 ", "1-65535"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ports, err := ParsePorts(s)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, p := range ports {
			if p < 1 || p > 65535 || seen[p] {
				t.Fatalf("%q gave port %d (seen %v)", s, p, seen[p])
			}
			seen[p] = true
		}
	})
}
