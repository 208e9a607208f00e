package prometheus

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
)

func container(t *testing.T, ev *event.Event, name string) event.Container {
	t.Helper()
	for _, c := range ev.Dataset.Containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %q in %+v", name, ev.Dataset.Containers)
	return event.Container{}
}

func TestOpen(t *testing.T) {
	cases := []struct{ key, product, targets string }{
		{"PROM_OPEN", productPrometheus, "PROM_TARGETS"},
		{"PROM_ODD", productPrometheus, "PROM_TARGETS"},
		{"VM_OPEN", productVM, "VM_TARGETS"},
		{"VM_ODD", productVM, "VM_TARGETS"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, tc.key))
			if ev.Status != event.StatusOpen || ev.Access.Level != event.AccessData || !ev.Access.Anonymous {
				t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
			}
			if ev.Service.Product != tc.product {
				t.Errorf("product %q, want %q", ev.Service.Product, tc.product)
			}
			wantTargets, _ := strconv.ParseInt(labtest.Get(t, tc.targets), 10, 64)
			tg := container(t, ev, "targets")
			if tg.Documents == nil || *tg.Documents != wantTargets || tg.Sampled != min(int(wantTargets), 5) {
				t.Errorf("targets: documents %v sampled %d, want %d", tg.Documents, tg.Sampled, wantTargets)
			}
			var all strings.Builder
			for _, s := range tg.Samples {
				all.Write(s.Data)
			}
			if !strings.Contains(all.String(), "db01.corp.internal") || !strings.Contains(all.String(), "sk_live_") {
				t.Errorf("target samples lack internal hosts / api key: %s", all.String())
			}
			cfg := container(t, ev, "config")
			if cfg.Sampled != 1 || !strings.Contains(string(cfg.Samples[0].Data), "billing.corp.internal") {
				t.Errorf("config sample: %+v", cfg)
			}
			series := container(t, ev, "series")
			if series.Documents == nil || *series.Documents <= 0 {
				t.Errorf("series count %v", series.Documents)
			}
			if tc.product == productVM {
				// VM adds up/scrape_* series for each target it scraped, at a
				// random time within the hour: the seeded series are a lower bound.
				want, _ := strconv.ParseInt(labtest.Get(t, "VM_SERIES"), 10, 64)
				if *series.Documents < want || !slices.Contains(series.Fields, "sms_sent_total") {
					t.Errorf("VictoriaMetrics series %d (want >= %d), metrics %v", *series.Documents, want, series.Fields)
				}
			}
			if !strings.Contains(ev.Access.Proof, "scrape targets") {
				t.Errorf("proof %q", ev.Access.Proof)
			}
		})
	}
}

func TestAdminAPI(t *testing.T) {
	has := func(ev *event.Event) bool {
		for _, in := range ev.Indicators {
			if in.Kind == "admin-api-enabled" {
				return true
			}
		}
		return false
	}
	if ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "PROM_OPEN")); !has(ev) || ev.Service.Info["admin_api"] != "true" {
		t.Errorf("admin API (on) not reported: %+v %+v", ev.Indicators, ev.Service.Info)
	}
	if ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, "PROM_ODD")); has(ev) || ev.Service.Info["admin_api"] != "false" {
		t.Errorf("admin API (off) reported: %+v %+v", ev.Indicators, ev.Service.Info)
	}
}

func TestAuthRequired(t *testing.T) {
	for _, tc := range []struct{ key, product string }{{"PROM_AUTH", productPrometheus}, {"VM_AUTH", productVM}} {
		t.Run(tc.key, func(t *testing.T) {
			ev := probetest.IdentifyAndExplore(t, New(), testEnv(), probetest.LabTarget(t, tc.key))
			if ev.Status != event.StatusAuthRequired {
				t.Fatalf("status %s, want auth-required; errors %v", ev.Status, ev.Errors)
			}
			if ev.Service.Product != tc.product || ev.Access.Anonymous || ev.Dataset != nil {
				t.Errorf("service %+v access %+v dataset %+v", ev.Service, ev.Access, ev.Dataset)
			}
		})
	}
}
