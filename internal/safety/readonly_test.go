package safety

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/all"
	"github.com/leakwatch/leakwatch/internal/scan"
)

// recordingProxy forwards every connection to upstream (a real lab server)
// and keeps what the client sent, one buffer per connection, so a test can
// read back every byte a probe put on the wire.
type recordingProxy struct {
	mu    sync.Mutex
	conns []*bytes.Buffer // what each client sent, written under mu
}

func startRecordingProxy(t *testing.T, addr, upstream string) *recordingProxy {
	t.Helper()
	p := &recordingProxy{}
	serve(t, addr, func(c net.Conn) {
		up, err := net.DialTimeout("tcp", upstream, 5*time.Second)
		if err != nil {
			return
		}
		defer up.Close()
		sent := new(bytes.Buffer)
		p.mu.Lock()
		p.conns = append(p.conns, sent)
		p.mu.Unlock()
		done := make(chan struct{})
		go func() { _, _ = io.Copy(c, up); c.Close(); close(done) }()
		_, _ = io.Copy(io.MultiWriter(up, &lockedBuffer{mu: &p.mu, b: sent, max: 32 << 20}), c)
		up.Close()
		<-done
	})
	return p
}

// sent returns a copy of what each connection's client sent so far
// (pooled HTTP connections are still open when the scan ends).
func (p *recordingProxy) sent() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([][]byte, len(p.conns))
	for i, b := range p.conns {
		out[i] = bytes.Clone(b.Bytes())
	}
	return out
}

type lockedBuffer struct {
	mu  *sync.Mutex
	b   *bytes.Buffer
	max int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// readOnlyCheck inspects one connection's client bytes and returns a
// description of every request that is not a read.
type readOnlyCheck func(sent []byte) (requests int, writes []string)

// httpReads parses the stream as HTTP/1.1 requests.
func httpReads(sent []byte) (n int, writes []string) {
	br := bufio.NewReader(bytes.NewReader(sent))
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return n, writes
		}
		_, _ = io.Copy(io.Discard, req.Body)
		n++
		if !readOnlyRequest(req.Method, req.URL.RequestURI()) {
			writes = append(writes, req.Method+" "+req.URL.RequestURI())
		}
		// SQL over HTTP (ClickHouse GET /?query=, InfluxDB /query?q=): only read statements.
		for path, k := range map[string]string{"/": "query", "/query": "q"} {
			if q := req.URL.Query().Get(k); req.URL.Path == path && q != "" && !readStatement(q) {
				writes = append(writes, fmt.Sprintf("%s %s: statement %q", req.Method, req.URL.Path, clipString(q, 80)))
			}
		}
		if ua := req.UserAgent(); ua != probe.UserAgent {
			writes = append(writes, fmt.Sprintf("%s %s without leakwatch's User-Agent (%q)", req.Method, req.URL.Path, ua))
		}
	}
}

// readStatement reports whether a SQL/InfluxQL statement only reads.
func readStatement(q string) bool {
	f := strings.Fields(strings.ToUpper(q))
	return len(f) > 0 && slices.Contains([]string{"SELECT", "SHOW", "DESCRIBE", "DESC", "EXISTS", "WITH", "EXPLAIN"}, f[0]) &&
		!strings.Contains(q, ";")
}

// memcachedReads parses the stream as memcached text commands; storage
// commands would be followed by a data line, which fails here too.
func memcachedReads(sent []byte) (n int, writes []string) {
	allowed := []string{"version", "stats", "get", "gets", "mg", "quit"}
	for line := range strings.SplitSeq(strings.TrimRight(string(sent), "\r\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			continue
		}
		n++
		f := strings.Fields(line)
		switch {
		case slices.Contains(allowed, f[0]):
		case f[0] == "lru_crawler" && len(f) > 1 && f[1] == "metadump":
		default:
			writes = append(writes, clipString(line, 80))
		}
	}
	return n, writes
}

// zookeeperReads parses four-letter words and jute request frames (the
// first frame of a session is the ConnectRequest, which has no header).
func zookeeperReads(sent []byte) (n int, writes []string) {
	fourLetter := []string{"srvr", "mntr", "envi", "stat", "ruok", "conf", "cons", "wchs", "dirs", "isro"}
	if len(sent) >= 4 && (len(sent) == 4 || sent[0] >= 'a') {
		n++
		if !slices.Contains(fourLetter, string(sent[:4])) {
			writes = append(writes, fmt.Sprintf("four-letter word %q", sent[:min(4, len(sent))]))
		}
		return n, writes
	}
	// Read-only opcodes: exists 3, getData 4, getACL 6, getChildren 8, ping 11,
	// getChildren2 12, multiRead 22, getEphemerals 103, getAllChildrenNumber
	// 104, whoAmI 107, closeSession -11.
	reads := []int32{3, 4, 6, 8, 11, 12, 22, 103, 104, 107, -11}
	first := true
	for len(sent) >= 4 {
		size := int(binary.BigEndian.Uint32(sent))
		if size < 0 || 4+size > len(sent) {
			break
		}
		frame := sent[4 : 4+size]
		sent = sent[4+size:]
		if first {
			first = false
			continue
		}
		n++
		if len(frame) < 8 {
			writes = append(writes, "short frame")
			continue
		}
		if op := int32(binary.BigEndian.Uint32(frame[4:])); !slices.Contains(reads, op) {
			writes = append(writes, fmt.Sprintf("opcode %d", op))
		}
	}
	return n, writes
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// TestReadOnlyThroughRecordingProxy is the read-only proof for the probes
// whose servers keep no statement log to read back: each explores its real
// open lab instance through the pipeline, via a proxy that records every
// byte the probe sent; each request must be a read (HTTP: GET/HEAD or a POST
// to a query endpoint, with leakwatch's User-Agent; memcached: version,
// stats, get/gets/mg, lru_crawler metadump; ZooKeeper: read four-letter
// words and read opcodes). The event must be "open": the probe really
// explored. Needs the lab (lab/lab.sh up <service>); skips without it.
func TestReadOnlyThroughRecordingProxy(t *testing.T) {
	cases := []struct {
		probe, labKey string
		check         readOnlyCheck
	}{
		{"couchdb", "COUCHDB_OPEN", httpReads},
		{"clickhouse", "CLICKHOUSE_OPEN", httpReads},
		{"influxdb", "INFLUX_OPEN", httpReads},
		{"prometheus", "PROM_OPEN", httpReads},
		{"prometheus", "VM_OPEN", httpReads},
		{"docker-registry", "REGISTRY_OPEN", httpReads},
		{"s3", "S3_OPEN", httpReads},
		{"solr", "SOLR_OPEN", httpReads},
		{"etcd", "ETCD_OPEN", httpReads},
		{"rabbitmq", "RABBITMQ_OPEN", httpReads},
		{"elasticsearch", "OPENSEARCH_OPEN", httpReads},
		{"elasticsearch", "ZINC_OPEN", httpReads},
		{"memcached", "MEMCACHED_OPEN", memcachedReads},
		{"zookeeper", "ZOOKEEPER_OPEN", zookeeperReads},
	}
	for i, c := range cases {
		t.Run(c.probe+"/"+strings.TrimPrefix(c.labKey, ""), func(t *testing.T) {
			p := all.ByName(c.probe)
			if p == nil {
				t.Skipf("probe %s not registered", c.probe)
			}
			upstream := labtest.Get(t, c.labKey)
			addr := fmt.Sprintf("127.77.48.%d:%d", 150+i, 18150+i)
			rec := startRecordingProxy(t, addr, upstream)
			limits := probe.DefaultLimits()
			limits.ExploreTimeout = 30 * time.Second
			out := runPipeline(t, []string{addr}, scan.Config{Probes: []probe.Probe{p}, Limits: limits})
			if out.err != nil {
				t.Fatal(out.err)
			}
			time.Sleep(50 * time.Millisecond) // the last bytes through the proxy
			conns := rec.sent()
			total := 0
			for _, sent := range conns {
				n, writes := c.check(sent)
				total += n
				for _, w := range writes {
					t.Errorf("%s sent a request that is not a read: %s", c.probe, w)
				}
			}
			if total == 0 {
				t.Fatalf("no request recorded over %d connections: the checker understood nothing", len(conns))
			}
			ev := out.events[addr]
			if ev == nil || ev.Status != event.StatusOpen {
				// The requests made were reads, but without exploration that proves little.
				t.Skipf("the lab instance did not read as open (%+v): only identification was checked", ev)
			}
			t.Logf("%d requests over %d connections, all reads (%s)", total, len(conns), ev.Access.Proof)
		})
	}
}
