package kibana

import (
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
)

func TestOpenConsole(t *testing.T) {
	cases := []struct {
		name, product, version string
		f                      flavour
	}{
		{"kibana7", productKibana, "7.10.2", flavour{status: "kibana-7-status.json", nameHeader: "kbn-name: kibana"}},
		{"kibana8", productKibana, "8.12.0", flavour{status: "kibana-8-status.json", nameHeader: "kbn-name: kibana-prod-1"}},
		{"osd2", productOSD, "2.11.0", flavour{status: "osd-2-status.json", nameHeader: "osd-name: opensearch-dashboards"}},
		{"osd2-no-header", productOSD, "2.11.0", flavour{status: "osd-2-status.json"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, seen := serve(t, tc.f)
			ev := run(t, tg)
			if ev.Service.Product != tc.product || ev.Service.Version != tc.version {
				t.Errorf("service %+v", ev.Service)
			}
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if len(ev.Indicators) != 1 || ev.Indicators[0].Kind != "open-console" {
				t.Errorf("indicators %+v", ev.Indicators)
			}
			got := map[string]event.Container{}
			for _, c := range ev.Dataset.Containers {
				got[c.Name] = c
			}
			sms := got["sms-logs-2024.01"]
			if sms.Documents == nil || *sms.Documents != 1000 || sms.Bytes == nil || *sms.Bytes != 245760 || sms.Sampled != 2 {
				t.Errorf("sms index %+v", sms)
			}
			if !strings.Contains(string(sms.Samples[0].Data), "+1555") {
				t.Errorf("sample %s", sms.Samples[0].Data)
			}
			if k := got[".kibana_1"]; k.Sampled != 0 {
				t.Errorf("system index sampled")
			}
			for _, s := range *seen {
				if !strings.HasPrefix(s, "POST GET ") || !strings.HasSuffix(s, "xsrf=true") {
					t.Errorf("proxy request %q: want POST carrying method=GET with kbn-xsrf", s)
				}
			}
		})
	}
}

func TestAuthRequired(t *testing.T) {
	cases := []struct {
		name, product string
		f             flavour
	}{
		{"kibana8-redacted-status", productKibana, flavour{status: "kibana-8-status-redacted.json", nameHeader: "kbn-name: kibana", console: 401}},
		{"kibana-401-header", productKibana, flavour{status: "kibana-401.json", statusCode: 401, nameHeader: "kbn-name: kibana"}},
		{"kibana-401-login-redirect", productKibana, flavour{status: "kibana-401.json", statusCode: 401, homeRedirect: "/login?next=%2Fapp%2Fhome"}},
		{"osd-401-login-redirect", productOSD, flavour{status: "kibana-401.json", statusCode: 401, homeRedirect: "/app/login?nextUrl=%2Fapp%2Fhome"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, _ := serve(t, tc.f)
			ev := run(t, tg)
			if ev.Status != event.StatusAuthRequired || ev.Dataset != nil || len(ev.Indicators) != 0 {
				t.Fatalf("status %s dataset %+v indicators %v", ev.Status, ev.Dataset, ev.Indicators)
			}
			if ev.Service.Product != tc.product {
				t.Errorf("product %q", ev.Service.Product)
			}
		})
	}
}

func TestStatusOnlyWithoutConsole(t *testing.T) {
	tg, _ := serve(t, flavour{status: "kibana-7-status.json", nameHeader: "kbn-name: kibana", console: 404})
	ev := run(t, tg)
	if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessMetadata || len(ev.Indicators) != 0 {
		t.Fatalf("status %s access %+v indicators %v", ev.Status, ev.Access, ev.Indicators)
	}
}
