package safety

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// A MongoDB-wire fake: enough framing to answer the legacy isMaster
// (OP_QUERY → OP_REPLY) and OP_MSG commands with whatever documents a
// scenario wants, including lies no real server tells.

const (
	wireReply = 1
	wireQuery = 2004
	wireMsg   = 2013
)

// wireRequest is one decoded client message.
type wireRequest struct {
	id   int32
	op   int32
	cmd  string            // the command name: the document's first key
	doc  bsoncore.Document // the command document
	body []byte
}

// readWire reads one client message (at most 1 MiB: clients send little).
func readWire(c net.Conn) (*wireRequest, error) {
	var hdr [16]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil {
		return nil, err
	}
	n := int32(binary.LittleEndian.Uint32(hdr[0:]))
	if n < 16 || n > 1<<20 {
		return nil, errors.New("bad messageLength")
	}
	body := make([]byte, n-16)
	if _, err := io.ReadFull(c, body); err != nil {
		return nil, err
	}
	r := &wireRequest{id: int32(binary.LittleEndian.Uint32(hdr[4:])), op: int32(binary.LittleEndian.Uint32(hdr[12:])), body: body}
	var doc []byte
	switch r.op {
	case wireQuery: // flags, cstring namespace, skip, return, query
		if len(body) < 4 {
			return r, nil
		}
		i := bytes.IndexByte(body[4:], 0)
		if i < 0 || len(body) < 4+i+1+8 {
			return r, nil
		}
		doc = body[4+i+1+8:]
	case wireMsg: // flagBits, kind-0 section
		if len(body) >= 5 && body[4] == 0 {
			doc = body[5:]
		}
	}
	if d, _, ok := bsoncore.ReadDocument(doc); ok {
		r.doc = d
		if e, err := d.IndexErr(0); err == nil {
			r.cmd = e.Key()
		}
	}
	return r, nil
}

// reply frames doc as the answer to r (OP_REPLY to OP_QUERY, else OP_MSG).
func (r *wireRequest) reply(doc []byte) []byte {
	var b []byte
	head := func(n int, op int32) {
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
		b = binary.LittleEndian.AppendUint32(b, uint32(r.id+1000))
		b = binary.LittleEndian.AppendUint32(b, uint32(r.id))
		b = binary.LittleEndian.AppendUint32(b, uint32(op))
	}
	if r.op == wireQuery {
		head(16+20+len(doc), wireReply)
		b = binary.LittleEndian.AppendUint32(b, 0) // responseFlags
		b = binary.LittleEndian.AppendUint64(b, 0) // cursorID
		b = binary.LittleEndian.AppendUint32(b, 0) // startingFrom
		b = binary.LittleEndian.AppendUint32(b, 1) // numberReturned
		return append(b, doc...)
	}
	head(16+5+len(doc), wireMsg)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = append(b, 0)
	return append(b, doc...)
}

// serveMongo answers every request with answer(req) until the client
// closes; a nil answer ends the connection.
func serveMongo(answer func(*wireRequest) []byte) func(net.Conn) {
	return func(c net.Conn) {
		for {
			r, err := readWire(c)
			if err != nil {
				return
			}
			a := answer(r)
			if a == nil {
				return
			}
			if _, err := c.Write(a); err != nil {
				return
			}
		}
	}
}

// doc is a shorthand for building BSON documents in scenarios.
func doc() *bsoncore.DocumentBuilder { return bsoncore.NewDocumentBuilder() }

func strArray(vals ...string) bsoncore.Array {
	a := bsoncore.NewArrayBuilder()
	for _, v := range vals {
		a.AppendString(v)
	}
	return a.Build()
}

// helloDoc is an isMaster answer from a replica-set member.
func helloDoc(primary bool, hosts ...string) []byte {
	b := doc().AppendBoolean("ismaster", primary).AppendBoolean("secondary", !primary).
		AppendInt32("maxWireVersion", 17).AppendInt32("minWireVersion", 0).
		AppendInt32("maxBsonObjectSize", 16<<20)
	if len(hosts) > 0 {
		b = b.AppendString("setName", "rs0").AppendArray("hosts", strArray(hosts...)).AppendString("primary", hosts[0])
	}
	return b.AppendDouble("ok", 1).Build()
}
