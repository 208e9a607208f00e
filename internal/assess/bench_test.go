package assess

import (
	"fmt"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
)

// BenchmarkAssess grades a service with 200 containers and 600 findings.
func BenchmarkAssess(b *testing.B) {
	var cs []event.Container
	var fs []event.Finding
	for i := range 200 {
		name := fmt.Sprintf("idx-%d", i)
		cs = append(cs, container("index", name, int64(1000*i), 50))
		fs = append(fs, finding(name, "phone", 20), finding(name, "email", 10), finding(name, "private_ip", 3))
	}
	base := openEvent("elasticsearch", event.AccessData, cs...)
	base.Findings = fs
	b.ReportAllocs()
	for b.Loop() {
		ev := *base
		ev.Indicators = nil
		Assess(&ev, nil, time.Time{})
	}
}
