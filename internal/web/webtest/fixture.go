// Package webtest fills a store with recorded events for the web package's
// tests, benchmarks and browser tests: realistic exposures across several
// scans, and hostile ones whose names and values carry HTML and JavaScript.
package webtest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/assess"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/store"
)

// Hostile strings planted in every field a page shows. None may ever
// reach a page unescaped.
const (
	XSSScript = `<script>alert(1)</script>`
	XSSAttr   = `"><img src=x onerror=alert(1)>`
	XSSURL    = `javascript:alert(1)`
)

// LongName is an index name with no place to break: it must wrap, not
// widen the page.
var LongName = "logs-" + strings.Repeat("averyveryverylongindexname", 12)

// Hostile lists the planted strings.
var Hostile = []string{XSSScript, XSSAttr, XSSURL}

// HostileFingerprint is the exposure whose every text field is hostile.
const HostileFingerprint = "198.51.100.66:9200/elasticsearch"

func at(t time.Time) *time.Time { return &t }

// OpenEvent is an open service with an inventory of n containers, findings
// and an assessment.
func OpenEvent(scanID, ip string, port int, service string, containers int, when time.Time) *event.Event {
	ev := event.New(ip+":"+fmt.Sprint(port), ip, port)
	ev.Time = when
	ev.ScanID = scanID
	ev.Status = event.StatusOpen
	ev.Service = &event.Service{Name: service, Product: service, Version: "7.10.2"}
	ev.Access = event.Access{Anonymous: true, Level: event.AccessData, Proof: fmt.Sprintf("listed %d containers and read documents", containers)}
	ds := &event.Dataset{}
	for i := range containers {
		name := fmt.Sprintf("sms-logs-2026.%02d", i%12+1)
		if i >= 12 {
			name = fmt.Sprintf("customers-%05d", i)
		}
		ds.Containers = append(ds.Containers, event.Container{Kind: "index", Name: name,
			Documents: event.Int64(int64(1000 + i)), Bytes: event.Int64(int64(4096 * (i + 1))),
			Created: at(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)), Sampled: 5,
			Samples: []event.Sample{{Key: "1", Format: "json", Data: []byte(`{"to":"+15550001111"}`)}}})
	}
	ds.ComputeTotals()
	ev.Dataset = ds
	ev.Findings = []event.Finding{
		{Container: "sms-logs-2026.01", Field: "to", Type: "phone", Rule: "e164", Confidence: "high", Count: 5, Documents: 5,
			Examples: []string{"+1555*****11"}},
		{Container: "sms-logs-2026.01", Field: "email", Type: "email", Rule: "email", Confidence: "high", Count: 3, Documents: 3,
			Examples: []string{"j***@example.com"}},
	}
	assess.Assess(ev, nil, time.Time{})
	return ev
}

// HostileEvent is an open service whose every text field carries XSS.
func HostileEvent(scanID string, when time.Time) *event.Event {
	ev := OpenEvent(scanID, "198.51.100.66", 9200, "elasticsearch", 3, when)
	ev.Host = XSSURL
	ev.Service.Product = XSSScript
	ev.Service.Version = XSSAttr
	ev.Service.Info = map[string]string{"cluster_name": XSSScript}
	ev.Access.Proof = "GET /_cat/indices returned " + XSSAttr
	ev.Dataset.Containers[0].Name = XSSScript
	ev.Dataset.Containers[1].Name = XSSAttr
	ev.Dataset.Containers[2].Name = XSSURL
	ev.Dataset.Containers[2].Parent = XSSScript
	ev.Dataset.Containers = append(ev.Dataset.Containers, event.Container{Kind: "index", Name: LongName,
		Documents: event.Int64(1)})
	ev.Dataset.ComputeTotals()
	ev.Findings = []event.Finding{{Container: XSSScript, Field: XSSAttr, Type: "email", Rule: "email", Confidence: "high",
		Count: 1, Documents: 1, Examples: []string{XSSScript, XSSAttr, XSSURL}}}
	ev.Indicators = []event.Indicator{{Kind: "ransom-note", Container: XSSAttr, Detail: XSSScript}}
	ev.Errors = []string{XSSAttr}
	assess.Assess(ev, nil, time.Time{})
	ev.Assessment.Reasons = append(ev.Assessment.Reasons, XSSScript)
	ev.Assessment.Remediation = append(ev.Assessment.Remediation, XSSURL)
	return ev
}

// Fill records three scans a day apart: exposures opening, one closing,
// a redis that is new in the last scan, a server with many containers, and
// the hostile exposure. It returns the scan ids, oldest first.
func Fill(ctx context.Context, st *store.Store, manyContainers int) ([]string, error) {
	base := time.Now().UTC().Add(-72 * time.Hour).Truncate(time.Second)
	var ids []string
	for day := range 3 {
		sc, err := st.OpenScan(ctx, store.NewScan{Args: []byte(`{"targets":["198.51.100.0/24"]}`), Total: 256})
		if err != nil {
			return nil, err
		}
		when := base.Add(time.Duration(day) * 24 * time.Hour)
		evs := []*event.Event{
			OpenEvent(sc.ID, "198.51.100.10", 9200, "elasticsearch", 20+day, when),
			OpenEvent(sc.ID, "198.51.100.11", 27017, "mongodb", 5, when),
			HostileEvent(sc.ID, when),
		}
		if day < 2 {
			evs = append(evs, OpenEvent(sc.ID, "198.51.100.12", 5984, "couchdb", 2, when))
		} else {
			closed := event.New("198.51.100.12", "198.51.100.12", 5984)
			closed.ScanID, closed.Time, closed.Status = sc.ID, when, event.StatusAuthRequired
			closed.Service = &event.Service{Name: "couchdb", Product: "CouchDB"}
			evs = append(evs, closed, OpenEvent(sc.ID, "198.51.100.13", 6379, "redis", 1, when))
		}
		if manyContainers > 0 {
			evs = append(evs, OpenEvent(sc.ID, "198.51.100.14", 9200, "opensearch", manyContainers, when))
		}
		for _, ev := range evs {
			if _, err := st.RecordEvent(ctx, ev); err != nil {
				return nil, err
			}
		}
		if err := st.FinishScan(ctx, sc.ID, store.Finish{Status: store.ScanDone}); err != nil {
			return nil, err
		}
		ids = append(ids, sc.ID)
		time.Sleep(time.Millisecond) // distinct scan start times
	}
	return ids, fillWatch(ctx, st, ids[len(ids)-1])
}

// fillWatch records what `leakwatch watch` keeps: a group, alerts with
// deliveries (one failing) and suppressions, hostile text included.
func fillWatch(ctx context.Context, st *store.Store, scanID string) error {
	if err := st.SaveWatchGroup(ctx, "prod "+XSSScript, []byte(`{"webhook":"https://hooks.example/SECRET-IN-CONFIG"}`), time.Hour); err != nil {
		return err
	}
	if err := st.WatchGroupRan(ctx, "prod "+XSSScript, time.Now().Add(-time.Minute), scanID, "done", XSSAttr); err != nil {
		return err
	}
	obs, err := st.ScanObservations(ctx, scanID)
	if err != nil {
		return err
	}
	_, _, err = st.RecordAlerts(ctx, store.AlertBatch{ScanID: scanID, Observations: obs,
		Alerts: []store.Alert{
			{DedupeKey: "opened|redis|" + scanID, ScanID: scanID, Fingerprint: "198.51.100.13:6379/redis", IP: "198.51.100.13",
				Port: 6379, Service: "redis", Kind: "opened", Severity: "high", Title: "New open redis at 198.51.100.13:6379"},
			{DedupeKey: "ransom|" + scanID, ScanID: scanID, Fingerprint: HostileFingerprint, IP: "198.51.100.66", Port: 9200,
				Service: "elasticsearch", Container: XSSAttr, Kind: "ransom-note", Severity: "critical",
				Title: "Ransom note " + XSSScript, Detail: XSSURL},
		},
		Channels: func(store.Alert) []string { return []string{"webhook", "slack"} },
	})
	if err != nil {
		return err
	}
	_, err = st.AddSuppression(ctx, store.Suppression{Host: "198.51.100.11", Port: 27017, Container: XSSScript,
		Until: time.Now().Add(30 * 24 * time.Hour), Reason: "honeypot " + XSSAttr})
	return err
}
