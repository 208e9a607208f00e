package assess

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/classify"
	"github.com/leakwatch/leakwatch/internal/event"
)

// TestWithClassifier runs the real classifier stage, then this one, on
// leak-shaped samples: the type ids and container names must line up.
func TestWithClassifier(t *testing.T) {
	var sms []event.Sample
	for i := range 20 {
		sms = append(sms, event.Sample{Key: "k", Format: "json", Data: []byte(
			fmt.Sprintf(`{"to":"+1415555%04d","body":"Your verification code is 48213. Do not share it.","status":"delivered"}`, i))})
	}
	cfg := []event.Sample{{Key: "app", Format: "json", Data: []byte(
		`{"db_password":"S3cr3t-Pa55word!","aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","db_host":"db01.corp.internal"}`)}}
	ev := openEvent("influxdb", event.AccessData,
		event.Container{Kind: "measurement", Parent: "smsgw", Name: "smsgw.sms", Documents: event.Int64(1000), Sampled: len(sms), Samples: sms},
		event.Container{Kind: "collection", Parent: "app", Name: "config", Documents: event.Int64(1), Sampled: 1, Samples: cfg})
	classify.Stage(classify.New(classify.Options{}))(t.Context(), ev)
	Stage()(t.Context(), ev)

	var types []string
	for _, f := range ev.Findings {
		types = append(types, f.Container+":"+f.Type)
	}
	t.Logf("findings: %s", strings.Join(types, " "))
	a := ev.Assessment
	for _, r := range a.Reasons {
		t.Logf("reason: %s", r)
	}
	if a.Severity != event.SeverityCritical {
		t.Errorf("severity %s, want critical (AWS keys and a password in app.config)", a.Severity)
	}
	for _, c := range a.Containers {
		if c.Name == "smsgw.sms" && c.Severity != event.SeverityHigh {
			t.Errorf("SMS log graded %s: %q", c.Severity, c.Reasons)
		}
		if strings.Contains(c.Name, "smsgw.smsgw") {
			t.Errorf("container named twice: %s", c.Name)
		}
	}
	if len(a.Containers) != 2 {
		t.Errorf("findings created phantom containers: %+v", a.Containers)
	}
}
