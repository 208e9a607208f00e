package kibana

import (
	"encoding/json"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
)

const (
	productKibana = "Kibana"
	productOSD    = "OpenSearch Dashboards"
)

// status covers both /api/status formats: Kibana ≤ 7 and OpenSearch
// Dashboards (overall.state, statuses[]) and Kibana 8 (overall.level, core).
type status struct {
	Name    string `json:"name"`
	UUID    string `json:"uuid"`
	Version *struct {
		Number string `json:"number"`
	} `json:"version"`
	Status *struct {
		Overall *struct {
			State string `json:"state"`
			Level string `json:"level"`
		} `json:"overall"`
		Statuses []struct {
			ID string `json:"id"`
		} `json:"statuses"`
		Core map[string]json.RawMessage `json:"core"`
	} `json:"status"`
}

func parseStatus(b []byte) (status, bool) {
	var s status
	if json.Unmarshal(b, &s) != nil || s.Status == nil || s.Status.Overall == nil {
		return s, false
	}
	return s, s.Status.Overall.State != "" || s.Status.Overall.Level != ""
}

// full is an unredacted answer: version and identity are there.
func (s status) full() bool {
	return s.Version != nil && s.Version.Number != "" && s.UUID != ""
}

// redacted is Kibana 8's answer to an anonymous caller when security is on.
func (s status) redacted() bool { return s.Version == nil && s.UUID == "" && s.Name == "" }

// isOSD tells OpenSearch Dashboards from Kibana: its core status is
// "core:opensearch@…" where Kibana's is "core:elasticsearch@…".
func (s status) isOSD(named nameInfo) bool {
	if named.product == productOSD || strings.Contains(s.Name, "opensearch") {
		return true
	}
	for _, st := range s.Status.Statuses {
		if strings.HasPrefix(st.ID, "core:opensearch@") || strings.Contains(st.ID, "opensearchDashboards") {
			return true
		}
	}
	return false
}

func (s status) service(named nameInfo) *event.Service {
	svc := &event.Service{Name: "kibana", Product: productKibana, Version: clip(s.Version.Number, 64),
		Info: map[string]string{"status_api": "open"}}
	if s.isOSD(named) {
		svc.Product = productOSD
	}
	if s.Name != "" {
		svc.Info["server_name"] = clip(s.Name, 100)
	}
	if o := s.Status.Overall; o.Level != "" {
		svc.Info["overall"] = clip(o.Level, 32)
	} else {
		svc.Info["overall"] = clip(o.State, 32)
	}
	return svc
}

// isBoom recognises the hapi error body Kibana sends with a 401/403.
func isBoom(b []byte) bool {
	var e struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
	}
	return json.Unmarshal(b, &e) == nil && (e.StatusCode == 401 || e.StatusCode == 403) && e.Error != ""
}
