package scan

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/discover"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// BenchmarkSlash24SixPorts times the whole pipeline over a /24 × 6 ports
// (1,536 items) with 5 recognised services, 5 unrecognised open ports and
// 2 stalled ones; everything else is closed. The peers measured in
// shared/notes/measured.md took 13.8–64 s (naabu → nuclei) for this shape.
//
//	go test -run '^$' -bench Slash24 -benchtime 3x ./internal/scan
func BenchmarkSlash24SixPorts(b *testing.B) {
	ports := []int{4401, 4402, 4403, 4404, 4405, 4406}
	for i := range 5 {
		listen(b, fmt.Sprintf("127.77.43.%d:%d", 10+i*40, ports[i]), speakHello)
		listen(b, fmt.Sprintf("127.77.43.%d:%d", 11+i*40, ports[5-i]), closeAtOnce)
	}
	listen(b, "127.77.43.200:4401", stall)
	listen(b, "127.77.43.201:4406", stall)
	sc := items(b, []string{"127.77.43.0/24"}, ports)
	l := fastLimits()
	l.ReadTimeout, l.IdentifyTimeout = time.Second, time.Second
	b.ResetTimer()
	for b.Loop() {
		col := &countSink{}
		st, err := Run(context.Background(), Config{Items: sc.Items, Total: sc.Len(),
			Discover: discover.Config{Timeout: time.Second},
			Probes:   []probe.Probe{helloProbe{ports: []int{4401}}}, Limits: l, Sinks: []Sink{col}})
		if err != nil {
			b.Fatal(err)
		}
		if st.Events != 12 || st.Exposed != 5 {
			b.Fatalf("stats %+v", st)
		}
	}
	b.ReportMetric(float64(sc.Len()), "items/op")
}
