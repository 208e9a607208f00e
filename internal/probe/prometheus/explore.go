package prometheus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// explorer reads the status endpoints one by one; each adds a container
// and a sentence of proof.
type explorer struct {
	env   *probe.Env
	c     *httpx.Client
	ev    *event.Event
	ds    *event.Dataset
	proof []string
	level event.AccessLevel
}

// get fetches an API path and returns its "data" member.
func (x *explorer) get(ctx context.Context, path string) (json.RawMessage, error) {
	r, err := x.c.Get(ctx, path)
	if err != nil {
		return nil, err
	}
	if r.Status != 200 {
		return nil, &httpx.StatusError{Path: path, Status: r.Status}
	}
	data, err := parseEnvelope(r.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

func (x *explorer) grant(level event.AccessLevel, proof string) {
	x.proof = append(x.proof, proof)
	if x.level != event.AccessData {
		x.level = level
	}
}

// targets: every scrape URL names an internal host (and carries its query
// parameters, API keys included), so they are sampled for the classifier.
func (x *explorer) targets(ctx context.Context) error {
	data, err := x.get(ctx, "/api/v1/targets?state=active")
	if err != nil {
		return err
	}
	ts, err := parseTargets(data)
	if err != nil {
		return err
	}
	ct := event.Container{Kind: "targets", Name: "targets", Documents: event.Int64(int64(len(ts)))}
	for i, tg := range ts {
		if i >= x.env.Limits.Sample {
			break
		}
		ct.Samples = append(ct.Samples, jsonSample(tg.ScrapeURL, tg, x.env.Limits.MaxSampleBytes))
	}
	ct.Sampled = len(ct.Samples)
	x.ds.Containers = append(x.ds.Containers, ct)
	x.grant(event.AccessData, fmt.Sprintf("/api/v1/targets listed %d scrape targets", len(ts)))
	return nil
}

// config: the loaded YAML (Prometheus masks secrets as <secret>, but not
// query parameters, URLs or hostnames).
func (x *explorer) config(ctx context.Context) error {
	data, err := x.get(ctx, "/api/v1/status/config")
	if err != nil {
		return err
	}
	yaml, err := parseConfig(data)
	if err != nil {
		return err
	}
	ct := event.Container{Kind: "config", Name: "config", Documents: event.Int64(1), Bytes: event.Int64(int64(len(yaml)))}
	if x.env.Limits.Sample > 0 {
		s := event.Sample{Key: "config.yml", Format: "text", Data: []byte(yaml)}
		if m := x.env.Limits.MaxSampleBytes; m > 0 && len(s.Data) > m {
			s.Data = s.Data[:m]
		}
		ct.Samples, ct.Sampled = []event.Sample{s}, 1
	}
	x.ds.Containers = append(x.ds.Containers, ct)
	x.grant(event.AccessData, fmt.Sprintf("/api/v1/status/config readable (%d bytes of YAML)", len(yaml)))
	return nil
}

// series: the head series count (Prometheus) or total series (VictoriaMetrics),
// with the top metric names and label pairs the TSDB status lists.
func (x *explorer) series(ctx context.Context) error {
	data, err := x.get(ctx, "/api/v1/status/tsdb")
	if err != nil {
		return err
	}
	st, err := parseTSDB(data)
	if err != nil {
		return err
	}
	ct := event.Container{Kind: "series", Name: "series", Documents: st.count()}
	for _, m := range st.Metrics {
		if len(ct.Fields) >= x.env.Limits.MaxFields {
			break
		}
		ct.Fields = append(ct.Fields, m.Name)
	}
	if x.env.Limits.Sample > 0 && len(st.LabelPairs) > 0 {
		ct.Samples = []event.Sample{jsonSample("label-pairs", st.LabelPairs, x.env.Limits.MaxSampleBytes)}
		ct.Sampled = 1
	}
	x.ds.Containers = append(x.ds.Containers, ct)
	if ct.Documents != nil {
		x.grant(event.AccessMetadata, fmt.Sprintf("TSDB status reports %d series", *ct.Documents))
	}
	return nil
}

// flags: --web.enable-admin-api lets anyone delete series or snapshot the TSDB.
func (x *explorer) flags(ctx context.Context) error {
	data, err := x.get(ctx, "/api/v1/status/flags")
	if err != nil {
		return err
	}
	flags, err := parseFlags(data)
	if err != nil {
		return err
	}
	v, ok := flags["web.enable-admin-api"]
	if !ok {
		return nil
	}
	if x.ev.Service.Info == nil {
		x.ev.Service.Info = map[string]string{}
	}
	x.ev.Service.Info["admin_api"] = v
	if v == "true" {
		x.ev.Indicators = append(x.ev.Indicators, event.Indicator{Kind: "admin-api-enabled",
			Detail: "--web.enable-admin-api is on: anyone who reaches the API can delete series and snapshot the TSDB"})
	}
	return nil
}

func jsonSample(key string, v any, max int) event.Sample {
	b, _ := json.Marshal(v)
	s := event.Sample{Key: key, Format: "json", Data: b}
	if max > 0 && len(b) > max {
		s.Data, s.Format = b[:max], "text"
	}
	return s
}
