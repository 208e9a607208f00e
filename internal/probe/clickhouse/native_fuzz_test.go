package clickhouse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"testing"
)

func FuzzNative(f *testing.F) {
	f.Add([]byte("\x00\nClickHouse\x12\x10\x8c\xa9\x03\aEtc/UTC"))
	f.Add([]byte("\x02\xc2\x00\x00\x00\rDB::Exception1DB::Exception: Password required for user default\x05stack\x00"))
	f.Add([]byte("\x02e\x00\x00\x00\x10DB::NetException/DB::NetException: Unexpected packet from client\x00\x00"))
	f.Add(binary.AppendUvarint([]byte{0}, 1<<40))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, e, err := readServerPacket(bufio.NewReader(bytes.NewReader(b)))
		if err == nil && (h == nil) == (e == nil) {
			t.Fatalf("hello %v exception %v without error", h, e)
		}
		if h != nil && (len(h.name) > 256 || len(h.timezone) > 256) {
			t.Fatalf("oversized hello %+v", h)
		}
		if e != nil && len(e.message) > maxNativeString {
			t.Fatalf("oversized message %d", len(e.message))
		}
	})
}
