package mongo

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	schema "github.com/leakwatch/leakwatch/docs"
	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/labtest"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

func testEnv() *probe.Env { return probetest.Env(3) }

// recorder keeps every command name the probe sends (the first key of each
// OP_MSG / OP_QUERY document), for the read-only proof.
type recorder struct {
	mu   sync.Mutex
	cmds []string
}

type recConn struct {
	net.Conn
	r *recorder
}

func (c recConn) Write(p []byte) (int, error) {
	if len(p) > headerLen {
		op := int32(binary.LittleEndian.Uint32(p[12:]))
		var doc []byte
		switch op {
		case opMsg:
			doc = p[headerLen+5:]
		case opQuery:
			rest := p[headerLen+4:]
			if i := strings.IndexByte(string(rest), 0); i >= 0 && len(rest) > i+9 {
				doc = rest[i+9:]
			}
		}
		if els, err := bsoncore.Document(doc).Elements(); err == nil && len(els) > 0 {
			c.r.mu.Lock()
			c.r.cmds = append(c.r.cmds, els[0].Key())
			c.r.mu.Unlock()
		}
	}
	return c.Conn.Write(p)
}

func (r *recorder) dialer(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return recConn{Conn: c, r: r}, nil
}

func explore(t *testing.T, addr string, env *probe.Env) (*event.Event, *event.Service) {
	t.Helper()
	return probetest.Explore(t, New(), env, addr, "MongoDB")
}

func find(ds *event.Dataset, kind, parent, name string) *event.Container {
	for i, c := range ds.Containers {
		if c.Kind == kind && c.Name == name && c.Parent == parent {
			return &ds.Containers[i]
		}
	}
	return nil
}

func TestOpenServer(t *testing.T) {
	addr := labtest.Get(t, "MONGO_OPEN")
	before := checksum(t, addr)
	rec := &recorder{}
	env := testEnv()
	env.Dialer = rec.dialer
	ev, svc := explore(t, addr, env)
	if svc.Product != "FerretDB" || !strings.HasPrefix(svc.Version, "v1.") {
		t.Errorf("service %+v", svc)
	}
	if ev.Status != event.StatusOpen || !ev.Access.Anonymous || ev.Access.Level != event.AccessData {
		t.Fatalf("status %s access %+v errors %v", ev.Status, ev.Access, ev.Errors)
	}
	t.Logf("proof: %s (%d ms)", ev.Access.Proof, ev.DurationMS)
	if b, err := json.Marshal(ev); err != nil || schema.ValidateEvent(b) != nil {
		t.Errorf("event does not match the schema: %v %v", err, schema.ValidateEvent(b))
	}
	if !strings.Contains(ev.Access.Proof, "listDatabases") || !strings.Contains(ev.Access.Proof, "smsgw") {
		t.Errorf("proof %q", ev.Access.Proof)
	}
	if find(ev.Dataset, "database", "", "smsgw") == nil {
		t.Fatalf("no database smsgw: %+v", ev.Dataset.Containers)
	}
	want := map[string]int64{"messages": probetest.LabInt(t, "MONGO_MESSAGES"), "customers": probetest.LabInt(t, "MONGO_CUSTOMERS"), "config": probetest.LabInt(t, "MONGO_CONFIG")}
	for name, n := range want {
		c := find(ev.Dataset, "collection", "smsgw", name)
		if c == nil {
			t.Errorf("collection %s missing", name)
			continue
		}
		if c.Documents == nil || *c.Documents != n {
			t.Errorf("%s: documents %v, want %d", name, c.Documents, n)
		}
		if c.Bytes == nil || *c.Bytes <= 0 {
			t.Errorf("%s: bytes %v", name, c.Bytes)
		}
		if c.Sampled != 3 || len(c.Samples) != 3 {
			t.Errorf("%s: sampled %d", name, c.Sampled)
		}
	}
	msgs := find(ev.Dataset, "collection", "smsgw", "messages")
	if msgs == nil {
		t.FailNow()
	}
	oldest := time.Unix(probetest.LabInt(t, "MONGO_MESSAGES_OLDEST"), 0).UTC()
	if msgs.Oldest == nil || !msgs.Oldest.Equal(oldest) {
		t.Errorf("oldest %v, want %v", msgs.Oldest, oldest)
	}
	s := string(msgs.Samples[0].Data)
	if !strings.Contains(s, `"$oid"`) || !strings.Contains(s, `"to":"+1555`) || !strings.Contains(s, "Your code is") {
		t.Errorf("sample %s", s)
	}
	if len(msgs.Samples[0].Key) != 24 {
		t.Errorf("sample key %q", msgs.Samples[0].Key)
	}
	if strings.Join(msgs.Fields, ",") != "_id,to,body,email,status" {
		t.Errorf("fields %v", msgs.Fields)
	}
	if len(ev.Indicators) != 0 || len(ev.Errors) != 0 {
		t.Errorf("indicators %v errors %v", ev.Indicators, ev.Errors)
	}
	// Read-only proof: only these commands went out, and the content is unchanged.
	allowed := map[string]bool{"isMaster": true, "buildInfo": true, "listDatabases": true, "listCollections": true,
		"collStats": true, "count": true, "find": true}
	for _, c := range rec.cmds {
		if !allowed[c] {
			t.Errorf("probe sent command %q", c)
		}
	}
	if len(rec.cmds) < 10 {
		t.Errorf("only %d commands recorded: %v", len(rec.cmds), rec.cmds)
	}
	if after := checksum(t, addr); after != before {
		t.Errorf("content changed: %s -> %s", before, after)
	}
}

func TestAuthServer(t *testing.T) {
	ev, svc := explore(t, labtest.Get(t, "MONGO_AUTH"), testEnv())
	if svc.Product != "FerretDB" {
		t.Errorf("service %+v", svc)
	}
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	t.Logf("auth-required: %v", ev.Errors)
	if ev.Access.Anonymous || ev.Access.Level != event.AccessNone || ev.Dataset != nil {
		t.Errorf("auth server reported access %+v dataset %+v", ev.Access, ev.Dataset)
	}
}

func TestOddPortAndRansomNote(t *testing.T) {
	ev, _ := explore(t, labtest.Get(t, "MONGO_ODD"), testEnv())
	if ev.Status != event.StatusOpen || find(ev.Dataset, "collection", "smsgw", "messages") == nil {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	ransomDB := labtest.Get(t, "MONGO_RANSOM_DB")
	var got []string
	for _, in := range ev.Indicators {
		if in.Kind == "ransom-note" {
			got = append(got, in.Container)
		}
	}
	if strings.Join(got, ",") != ransomDB+","+ransomDB+".README" {
		t.Errorf("ransom indicators %v", ev.Indicators)
	}
}

// TestNotOtherServices: the probe must not claim PostgreSQL or MySQL servers.
func TestNotOtherServices(t *testing.T) {
	for _, key := range []string{"PG_OPEN", "PG_ODD", "MYSQL_OPEN", "MYSQL_ODD"} {
		t.Run(key, func(t *testing.T) {
			tg := probetest.Target(t, labtest.Get(t, key))
			env := testEnv()
			env.Limits.ReadTimeout = 2 * time.Second
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if svc, _ := New().Identify(ctx, env, tg); svc != nil {
				t.Fatalf("identified %s as %+v", key, svc)
			}
		})
	}
}

// checksum hashes every smsgw collection's documents in _id order.
func checksum(t *testing.T, addr string) string {
	t.Helper()
	env := testEnv()
	c, err := dial(context.Background(), env, probetest.Target(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	if _, err := c.hello(); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, coll := range []string{"messages", "customers", "config"} {
		r, err := c.command("smsgw", bsoncore.NewDocumentBuilder().AppendString("find", coll).
			AppendDocument("sort", bsoncore.NewDocumentBuilder().AppendInt32("_id", 1).Build()).
			AppendInt32("batchSize", 5000).AppendBoolean("singleBatch", true).Build())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs(r, "cursor", "firstBatch") {
			h.Write(d)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestSamplesCut: with a tiny MaxSampleBytes every sample is cut and marked text.
func TestSamplesCut(t *testing.T) {
	probetest.SamplesCut(t, New(), testEnv(), probetest.Target(t, labtest.Get(t, "MONGO_OPEN")), 16)
}
