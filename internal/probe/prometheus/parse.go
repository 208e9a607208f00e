package prometheus

import (
	"encoding/json"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// parseEnvelope unwraps {"status":"success","data":...}.
func parseEnvelope(b []byte) (json.RawMessage, error) {
	var env struct {
		Status string          `json:"status"`
		Data   json.RawMessage `json:"data"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, probe.Protocolf("invalid JSON: %v", err)
	}
	if env.Status != "success" {
		return nil, probe.Protocolf("status %q: %.200s", env.Status, env.Error)
	}
	return env.Data, nil
}

type buildInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision"`
}

func parseBuildInfo(b []byte) (buildInfo, bool) {
	var bi buildInfo
	data, err := parseEnvelope(b)
	if err != nil || len(data) == 0 || data[0] != '{' {
		return bi, false
	}
	return bi, json.Unmarshal(data, &bi) == nil
}

// target is what is kept of one active target.
type target struct {
	ScrapeURL string            `json:"scrapeUrl"`
	Labels    map[string]string `json:"labels"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError,omitempty"`
}

func parseTargets(data json.RawMessage) ([]target, error) {
	var d struct {
		Active []target `json:"activeTargets"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, probe.Protocolf("targets: %v", err)
	}
	return d.Active, nil
}

func parseConfig(data json.RawMessage) (string, error) {
	var d struct {
		YAML *string `json:"yaml"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.YAML == nil {
		return "", probe.Protocolf("config: no yaml member")
	}
	return *d.YAML, nil
}

type nameValue struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// tsdbStatus covers both servers: Prometheus' headStats.numSeries and
// VictoriaMetrics' totalSeries.
type tsdbStatus struct {
	Head struct {
		NumSeries *int64 `json:"numSeries"`
	} `json:"headStats"`
	TotalSeries *int64      `json:"totalSeries"`
	Metrics     []nameValue `json:"seriesCountByMetricName"`
	LabelPairs  []nameValue `json:"seriesCountByLabelValuePair"`
}

func parseTSDB(data json.RawMessage) (tsdbStatus, error) {
	var st tsdbStatus
	if err := json.Unmarshal(data, &st); err != nil {
		return st, probe.Protocolf("tsdb status: %v", err)
	}
	return st, nil
}

// count returns the series count, nil when absent or negative.
func (st tsdbStatus) count() *int64 {
	for _, p := range []*int64{st.Head.NumSeries, st.TotalSeries} {
		if p != nil && *p >= 0 {
			return event.Int64(*p)
		}
	}
	return nil
}

func parseFlags(data json.RawMessage) (map[string]string, error) {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, probe.Protocolf("flags: %v", err)
	}
	return m, nil
}
