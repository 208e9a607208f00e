package mongo

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// This file frames MongoDB wire-protocol messages itself. The official Go
// driver reads whatever messageLength a server declares (up to its own
// maxMessageSizeBytes, 48 MB, per reply, with no byte budget across replies
// and no nesting bound when decoding), so it cannot be bounded against a
// hostile server; here every length is checked against our limit before a
// buffer is allocated.

const (
	opReply = 1    // legacy OP_REPLY (answer to OP_QUERY)
	opQuery = 2004 // legacy OP_QUERY, used only for the first isMaster (works on every version)
	opMsg   = 2013 // OP_MSG, MongoDB ≥ 3.6 (wire version 6)

	headerLen = 16
	// flagChecksum and flagMoreToCome are OP_MSG flag bits.
	flagChecksum   = 1 << 0
	flagMoreToCome = 1 << 1
	// replyQueryFailure is the OP_REPLY flag for a failed query.
	replyQueryFailure = 1 << 1
)

// appendHeader writes a message header for a message of total length n.
func appendHeader(dst []byte, n int, requestID int32, op int32) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(requestID))
	dst = binary.LittleEndian.AppendUint32(dst, 0) // responseTo
	return binary.LittleEndian.AppendUint32(dst, uint32(op))
}

// opMsgMessage frames doc as an OP_MSG with one kind-0 section.
func opMsgMessage(requestID int32, doc bsoncore.Document) []byte {
	n := headerLen + 4 + 1 + len(doc)
	b := appendHeader(make([]byte, 0, n), n, requestID, opMsg)
	b = binary.LittleEndian.AppendUint32(b, 0) // flagBits
	b = append(b, 0)                           // section kind 0: body
	return append(b, doc...)
}

// queryFlagSecondaryOK lets a legacy command run on a replica-set secondary.
const queryFlagSecondaryOK = 1 << 2

// opQueryMessage frames doc as an OP_QUERY on ns ("admin.$cmd").
func opQueryMessage(requestID int32, ns string, flags uint32, doc bsoncore.Document) []byte {
	n := headerLen + 4 + len(ns) + 1 + 8 + len(doc)
	b := appendHeader(make([]byte, 0, n), n, requestID, opQuery)
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = append(append(b, ns...), 0)
	b = binary.LittleEndian.AppendUint32(b, 0)                  // numberToSkip
	b = binary.LittleEndian.AppendUint32(b, uint32(0xffffffff)) // numberToReturn -1: one batch, close cursor
	return append(b, doc...)
}

// readReply reads one message, refusing a messageLength above max before
// reading the body, and returns its opcode, responseTo and the body.
func readReply(r io.Reader, max int64) (op, responseTo int32, body []byte, err error) {
	var hdr [headerLen]byte
	if err := netio.ReadFull(r, hdr[:]); err != nil {
		return 0, 0, nil, err
	}
	n := int64(int32(binary.LittleEndian.Uint32(hdr[0:])))
	if n < headerLen+5 {
		return 0, 0, nil, probe.Protocolf("mongodb: messageLength %d", n)
	}
	if n-headerLen > max {
		return 0, 0, nil, fmt.Errorf("mongodb: reply of %d bytes: %w", n, netio.ErrTooLarge)
	}
	body = make([]byte, n-headerLen)
	if err := netio.ReadFull(r, body); err != nil {
		return 0, 0, nil, err
	}
	return int32(binary.LittleEndian.Uint32(hdr[12:])), int32(binary.LittleEndian.Uint32(hdr[8:])), body, nil
}

// parseOpMsg returns the kind-0 body document of an OP_MSG body (after the
// header). Document sequences (kind 1) are skipped; the body is validated
// with a depth bound before anyone walks it.
func parseOpMsg(body []byte, maxDepth int) (bsoncore.Document, error) {
	if len(body) < 5 {
		return nil, probe.Protocolf("mongodb: OP_MSG too short")
	}
	flags := binary.LittleEndian.Uint32(body)
	if flags&flagMoreToCome != 0 {
		return nil, probe.Protocolf("mongodb: OP_MSG with moreToCome (exhaust) not requested")
	}
	rest := body[4:]
	if flags&flagChecksum != 0 {
		if len(rest) < 4 {
			return nil, probe.Protocolf("mongodb: OP_MSG checksum missing")
		}
		rest = rest[:len(rest)-4]
	}
	var doc bsoncore.Document
	for len(rest) > 0 {
		kind := rest[0]
		rest = rest[1:]
		if len(rest) < 4 {
			return nil, probe.Protocolf("mongodb: OP_MSG section truncated")
		}
		size := int64(binary.LittleEndian.Uint32(rest))
		if size < 5 || size > int64(len(rest)) {
			return nil, probe.Protocolf("mongodb: OP_MSG section of %d bytes in %d", size, len(rest))
		}
		switch kind {
		case 0:
			if doc != nil {
				return nil, probe.Protocolf("mongodb: OP_MSG with two body sections")
			}
			doc = bsoncore.Document(rest[:size])
		case 1: // document sequence: not used in replies to our commands
		default:
			return nil, probe.Protocolf("mongodb: OP_MSG section kind %d", kind)
		}
		rest = rest[size:]
	}
	if doc == nil {
		return nil, probe.Protocolf("mongodb: OP_MSG without body")
	}
	return doc, validate(doc, maxDepth)
}

// parseOpReply returns the first document of an OP_REPLY body.
func parseOpReply(body []byte, maxDepth int) (bsoncore.Document, error) {
	if len(body) < 20+5 {
		return nil, probe.Protocolf("mongodb: OP_REPLY too short")
	}
	flags := binary.LittleEndian.Uint32(body)
	returned := int32(binary.LittleEndian.Uint32(body[16:]))
	docs := body[20:]
	if returned < 1 {
		return nil, probe.Protocolf("mongodb: OP_REPLY with %d documents", returned)
	}
	size := int64(binary.LittleEndian.Uint32(docs))
	if size < 5 || size > int64(len(docs)) {
		return nil, probe.Protocolf("mongodb: OP_REPLY document of %d bytes in %d", size, len(docs))
	}
	doc := bsoncore.Document(docs[:size])
	if err := validate(doc, maxDepth); err != nil {
		return nil, err
	}
	if flags&replyQueryFailure != 0 {
		msg, _ := doc.Lookup("$err").StringValueOK()
		return nil, &commandError{Message: msg}
	}
	return doc, nil
}
