package mongo

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// fakeServer answers each request with reply(requestID, n) where n counts
// requests on the connection. Only for behaviour no real server produces.
func fakeServer(t *testing.T, reply func(reqID int32, n int) []byte) probe.Target {
	t.Helper()
	return probetest.FakeTCP(t, "127.77.254.6:0", func(c net.Conn) {
		for n := 0; ; n++ {
			var hdr [headerLen]byte
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			l := int64(binary.LittleEndian.Uint32(hdr[:]))
			if _, err := io.CopyN(io.Discard, c, l-headerLen); err != nil {
				return
			}
			out := reply(int32(binary.LittleEndian.Uint32(hdr[4:])), n)
			if out == nil {
				time.Sleep(3 * time.Second)
				return
			}
			if _, err := c.Write(out); err != nil {
				return
			}
		}
	})
}

// replyMsg frames doc as an OP_MSG answering reqID.
func replyMsg(reqID int32, doc []byte) []byte {
	b := opMsgMessage(0, doc)
	binary.LittleEndian.PutUint32(b[8:], uint32(reqID))
	return b
}

func helloDoc() []byte {
	return bsoncore.NewDocumentBuilder().AppendBoolean("ismaster", true).AppendInt32("maxWireVersion", 17).
		AppendDouble("ok", 1).Build()
}

func hostileEnv() *probe.Env {
	env := testEnv()
	env.Limits.ReadTimeout = 300 * time.Millisecond
	env.Limits.MaxResponse = 1 << 20
	env.Limits.ExploreTimeout = 3 * time.Second
	return env
}

func exploreFake(t *testing.T, tg probe.Target) *event.Event {
	t.Helper()
	return probetest.ExploreWithin(context.Background(), t, New(), hostileEnv(), tg, 5*time.Second)
}

func TestHostileHugeMessageLength(t *testing.T) {
	tg := fakeServer(t, func(id int32, n int) []byte {
		b := replyMsg(id, helloDoc())
		binary.LittleEndian.PutUint32(b, 0x7fffffff) // claims 2 GB
		return b[:32]
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusTooLarge {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

func TestHostileSilence(t *testing.T) {
	tg := fakeServer(t, func(int32, int) []byte { return nil })
	if ev := exploreFake(t, tg); ev.Status != event.StatusTimeout {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// deepDoc nests n documents, {a:{a:{...}}}, built in linear time: level k
// is 8 bytes longer than level k-1 (length, type, key "a", NUL, closing NUL).
func deepDoc(n int) []byte {
	b := make([]byte, 0, 5+9*n)
	for k := n; k >= 1; k-- {
		b = binary.LittleEndian.AppendUint32(b, uint32(5+8*k))
		b = append(b, 0x03, 'a', 0)
	}
	b = append(b, 5, 0, 0, 0, 0)
	return append(b, make([]byte, n)...)
}

func TestHostileDeepNesting(t *testing.T) {
	tg := fakeServer(t, func(id int32, n int) []byte {
		d := bsoncore.NewDocumentBuilder().AppendBoolean("ismaster", true).AppendInt32("maxWireVersion", 17).
			AppendDouble("ok", 1).AppendDocument("deep", deepDoc(100000)).Build()
		return replyMsg(id, d)
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestHostileLyingCounts: a BSON document whose length prefix exceeds the
// message, then a listDatabases reply that lies about its array.
func TestHostileLyingCounts(t *testing.T) {
	tg := fakeServer(t, func(id int32, n int) []byte {
		if n == 0 {
			return replyMsg(id, helloDoc())
		}
		d := bsoncore.NewDocumentBuilder().AppendDouble("ok", 1).Build()
		binary.LittleEndian.PutUint32(d, 1<<20) // document claims 1 MB
		return replyMsg(id, d)
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusProtocolError {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
}

// TestOKWithEmptyListIsNotOpen: the nuclei false positive.
func TestOKWithEmptyListIsNotOpen(t *testing.T) {
	tg := fakeServer(t, func(id int32, n int) []byte {
		if n == 0 {
			return replyMsg(id, helloDoc())
		}
		return replyMsg(id, bsoncore.NewDocumentBuilder().AppendArray("databases", bsoncore.NewArrayBuilder().Build()).
			AppendDouble("ok", 1).Build())
	})
	if ev := exploreFake(t, tg); ev.Status != event.StatusAuthRequired || ev.Dataset != nil {
		t.Fatalf("status %s dataset %v", ev.Status, ev.Dataset)
	}
}

// TestServerIgnoringLimit: find returns more documents than asked; only
// Limits.Sample are kept.
func TestServerIgnoringLimit(t *testing.T) {
	many := bsoncore.NewArrayBuilder()
	for i := range 50 {
		many.AppendDocument(bsoncore.NewDocumentBuilder().AppendInt32("_id", int32(i)).Build())
	}
	batch := many.Build()
	tg := fakeServer(t, func(id int32, n int) []byte {
		switch n {
		case 0:
			return replyMsg(id, helloDoc())
		case 1: // buildInfo
			return replyMsg(id, bsoncore.NewDocumentBuilder().AppendString("version", "7.0.0").AppendDouble("ok", 1).Build())
		case 2:
			return replyMsg(id, bsoncore.NewDocumentBuilder().AppendArray("databases", bsoncore.NewArrayBuilder().
				AppendDocument(bsoncore.NewDocumentBuilder().AppendString("name", "x").Build()).Build()).
				AppendDouble("ok", 1).Build())
		case 3:
			return replyMsg(id, bsoncore.NewDocumentBuilder().AppendDocument("cursor", bsoncore.NewDocumentBuilder().
				AppendInt64("id", 0).AppendArray("firstBatch", bsoncore.NewArrayBuilder().
				AppendDocument(bsoncore.NewDocumentBuilder().AppendString("name", "c").Build()).Build()).Build()).
				AppendDouble("ok", 1).Build())
		}
		return replyMsg(id, bsoncore.NewDocumentBuilder().AppendInt64("count", 5).AppendInt64("n", 5).
			AppendDocument("cursor", bsoncore.NewDocumentBuilder().AppendInt64("id", 0).
				AppendArray("firstBatch", batch).Build()).AppendDouble("ok", 1).Build())
	})
	ev := exploreFake(t, tg)
	if ev.Status != event.StatusOpen {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	c := find(ev.Dataset, "collection", "x", "c")
	if c == nil || c.Sampled != 3 {
		t.Fatalf("container %+v", c)
	}
}

// TestReplicaMembersNeverContacted: hosts named in the handshake are
// recorded as a count, and nothing connects to them.
func TestReplicaMembersNeverContacted(t *testing.T) {
	member, err := net.Listen("tcp", "127.77.254.7:0")
	if err != nil {
		t.Fatal(err)
	}
	defer member.Close()
	contacted := make(chan struct{}, 1)
	go func() {
		if c, err := member.Accept(); err == nil {
			c.Close()
			contacted <- struct{}{}
		}
	}()
	hosts := bsoncore.NewArrayBuilder().AppendString(member.Addr().String()).AppendString("db02.corp.internal:27017").Build()
	tg := fakeServer(t, func(id int32, n int) []byte {
		if n == 0 {
			return replyMsg(id, bsoncore.NewDocumentBuilder().AppendBoolean("ismaster", true).
				AppendInt32("maxWireVersion", 17).AppendString("setName", "rs0").AppendArray("hosts", hosts).
				AppendDouble("ok", 1).Build())
		}
		return replyMsg(id, bsoncore.NewDocumentBuilder().AppendDouble("ok", 0).AppendInt32("code", 13).
			AppendString("errmsg", "command listDatabases requires authentication").Build())
	})
	env := hostileEnv()
	env.InScope = func(netip.Addr, int) bool { return true } // even when allowed, members are not followed
	ev := probetest.ExploreTarget(context.Background(), New(), env, tg)
	if ev.Status != event.StatusAuthRequired {
		t.Fatalf("status %s errors %v", ev.Status, ev.Errors)
	}
	if ev.Service.Info["replica_set"] != "rs0" || ev.Service.Info["replica_members"] != "2" {
		t.Errorf("info %v", ev.Service.Info)
	}
	select {
	case <-contacted:
		t.Fatal("a replica-set member was contacted")
	case <-time.After(200 * time.Millisecond):
	}
}

// replyOld frames doc as an OP_REPLY answering reqID.
func replyOld(reqID int32, doc []byte) []byte {
	n := headerLen + 20 + len(doc)
	b := appendHeader(nil, n, 0, opReply)
	binary.LittleEndian.PutUint32(b[8:], uint32(reqID))
	b = binary.LittleEndian.AppendUint32(b, 0) // flags
	b = binary.LittleEndian.AppendUint64(b, 0) // cursor id
	b = binary.LittleEndian.AppendUint32(b, 0) // starting from
	b = binary.LittleEndian.AppendUint32(b, 1) // number returned
	return append(b, doc...)
}

// TestLegacyOpQuery: a server of wire version < 6 (MongoDB < 3.6) gets
// every command as OP_QUERY and answers with OP_REPLY.
func TestLegacyOpQuery(t *testing.T) {
	oid := [12]byte{0x5c, 0x78, 0xe6, 0x00, 1, 2, 3, 4, 5, 6, 7, 8} // 2019-03-01T07:57:20Z
	doc := bsoncore.NewDocumentBuilder().AppendObjectID("_id", oid).AppendString("to", "+15550001111").Build()
	batch := bsoncore.NewDocumentBuilder().AppendDocument("cursor", bsoncore.NewDocumentBuilder().AppendInt64("id", 0).
		AppendArray("firstBatch", bsoncore.NewArrayBuilder().AppendDocument(doc).Build()).Build()).
		AppendDouble("ok", 1).Build()
	var (
		mu  sync.Mutex
		ops []int32
	)
	ln, err := net.Listen("tcp", "127.77.254.6:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		for n := 0; ; n++ {
			var hdr [headerLen]byte
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			mu.Lock()
			ops = append(ops, int32(binary.LittleEndian.Uint32(hdr[12:])))
			mu.Unlock()
			io.CopyN(io.Discard, c, int64(binary.LittleEndian.Uint32(hdr[:]))-headerLen)
			id := int32(binary.LittleEndian.Uint32(hdr[4:]))
			var d []byte
			switch n {
			case 0:
				d = bsoncore.NewDocumentBuilder().AppendBoolean("ismaster", true).AppendInt32("maxWireVersion", 5).AppendDouble("ok", 1).Build()
			case 1:
				d = bsoncore.NewDocumentBuilder().AppendString("version", "3.4.24").AppendDouble("ok", 1).Build()
			case 2:
				d = bsoncore.NewDocumentBuilder().AppendArray("databases", bsoncore.NewArrayBuilder().
					AppendDocument(bsoncore.NewDocumentBuilder().AppendString("name", "x").Build()).Build()).AppendDouble("ok", 1).Build()
			case 3:
				d = bsoncore.NewDocumentBuilder().AppendDocument("cursor", bsoncore.NewDocumentBuilder().AppendInt64("id", 0).
					AppendArray("firstBatch", bsoncore.NewArrayBuilder().AppendDocument(
						bsoncore.NewDocumentBuilder().AppendString("name", "c").Build()).Build()).Build()).AppendDouble("ok", 1).Build()
			case 4:
				d = bsoncore.NewDocumentBuilder().AppendInt32("count", 1).AppendInt32("size", 40).AppendDouble("ok", 1).Build()
			default:
				d = batch
			}
			c.Write(replyOld(id, d))
		}
	}()
	tg := probetest.Target(t, ln.Addr().String())
	ev := exploreFake(t, tg)
	if ev.Status != event.StatusOpen || ev.Service.Version != "3.4.24" {
		t.Fatalf("status %s service %+v errors %v", ev.Status, ev.Service, ev.Errors)
	}
	c := find(ev.Dataset, "collection", "x", "c")
	if c == nil || c.Sampled != 1 || c.Oldest == nil || c.Oldest.Unix() != 0x5c78e600 || *c.Documents != 1 {
		t.Fatalf("container %+v", c)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, op := range ops {
		if op != opQuery {
			t.Errorf("sent opcode %d to a wire-version-5 server", op)
		}
	}
}
