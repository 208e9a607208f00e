package zookeeper_test

import (
	"encoding/binary"
	"io"
	"net"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe/probetest"
	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

// oldZK mimics a ZooKeeper 3.4 (no getAllChildrenNumber: an unknown opcode
// gets an empty OK reply) serving tree; it counts the requests per opcode.
func oldZK(tree map[string]string, ops map[int32]int, srvr bool) func(net.Conn) {
	children := func(p string) []string {
		var out []string
		for k := range tree {
			if k != "/" && path.Dir(k) == p {
				out = append(out, path.Base(k))
			}
		}
		sort.Strings(out)
		return out
	}
	return func(c net.Conn) {
		var hdr [4]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		if string(hdr[:]) == "srvr" && srvr {
			io.WriteString(c, "Zookeeper version: 3.4.14-4c25d480e66aadd371de8bd2fd8da255ac140bcf, built on 03/06/2019 16:18 GMT\nMode: standalone\nNode count: 9\n")
			return
		}
		if hdr[0] >= 'a' && hdr[0] <= 'z' { // mntr, envi: refused like a default whitelist
			io.WriteString(c, string(hdr[:])+" is not executed because it is not in the whitelist.\n")
			return
		}
		if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(hdr[:]))); err != nil {
			return
		}
		c.Write(connectResponse())
		for {
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			req := make([]byte, binary.BigEndian.Uint32(hdr[:]))
			if _, err := io.ReadFull(c, req); err != nil {
				return
			}
			xid, op := binary.BigEndian.Uint32(req), int32(binary.BigEndian.Uint32(req[4:]))
			ops[op]++
			var p string
			if len(req) >= 12 {
				n := binary.BigEndian.Uint32(req[8:])
				p = string(req[12 : 12+n])
			}
			h := binary.BigEndian.AppendUint32(nil, xid)
			h = binary.BigEndian.AppendUint64(h, 9)
			_, exists := tree[p]
			switch {
			case op == -11:
				c.Write(frame(binary.BigEndian.AppendUint32(h, 0)))
				return
			case (op == 8 || op == 4) && !exists:
				c.Write(frame(binary.BigEndian.AppendUint32(h, uint32(0xffffff9b)))) // NONODE -101
			case op == 8:
				b := binary.BigEndian.AppendUint32(h, 0)
				kids := children(p)
				b = binary.BigEndian.AppendUint32(b, uint32(len(kids)))
				for _, k := range kids {
					b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
					b = append(b, k...)
				}
				c.Write(frame(b))
			case op == 4:
				b := binary.BigEndian.AppendUint32(h, 0)
				b = binary.BigEndian.AppendUint32(b, uint32(len(tree[p])))
				b = append(b, tree[p]...)
				st := make([]byte, 68)
				binary.BigEndian.PutUint64(st[16:], 1700000000000) // ctime
				binary.BigEndian.PutUint32(st[56:], uint32(len(children(p))))
				c.Write(frame(append(b, st...)))
			default: // 3.4: unknown type, empty OK reply
				c.Write(frame(binary.BigEndian.AppendUint32(h, 0)))
			}
		}
	}
}

func TestOldServerCountsByWalking(t *testing.T) {
	for _, srvr := range []bool{true, false} {
		t.Run(map[bool]string{true: "version known", false: "srvr not whitelisted"}[srvr], func(t *testing.T) {
			testOldServer(t, srvr)
		})
	}
}

func testOldServer(t *testing.T, srvr bool) {
	tree := map[string]string{"/": "", "/zookeeper": "", "/app": "", "/app/config": "password=Hunter42",
		"/app/jobs": "", "/app/jobs/j1": "job one", "/app/jobs/j2": "job two", "/app/jobs/j3": "job three", "/kafka": "broker"}
	ops := map[int32]int{}
	tg := probetest.FakeTCP(t, fakeAddr, oldZK(tree, ops, srvr))
	env := testEnv()
	ev := probetest.ExploreTarget(ctx(t), zookeeper.New(), env, tg)
	if ev.Status != event.StatusOpen || len(ev.Errors) > 0 || (srvr && ev.Service.Version != "3.4.14") {
		t.Fatalf("status %s version %q errors %v", ev.Status, ev.Service.Version, ev.Errors)
	}
	want := map[string]int64{"/app": 6, "/kafka": 1, "/zookeeper": 1}
	for _, c := range ev.Dataset.Containers {
		if c.Documents == nil || *c.Documents != want[c.Name] {
			t.Errorf("%s: documents %v, want %d", c.Name, c.Documents, want[c.Name])
		}
	}
	if srvr && ops[104] != 0 {
		t.Errorf("getAllChildrenNumber sent to a 3.4 server %d times", ops[104])
	}
	if !strings.Contains(ev.Access.Proof, "getChildren / returned 3 znodes; getData read 5 values") {
		t.Errorf("proof %q", ev.Access.Proof)
	}
}
