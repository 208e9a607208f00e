package mysql

import (
	"bytes"
	"testing"
)

// FuzzPackets feeds arbitrary bytes to the packet reader and every payload
// parser: errors are fine, panics and huge allocations are not.
func FuzzPackets(f *testing.F) {
	f.Add(packet(0, greetingPacket()))
	f.Add(packet(2, append([]byte{0xff, 0x15, 0x04, '#'}, "28000Access denied"...)))
	f.Add(append(packet(1, []byte{1}), packet(2, colDef("a"))...))
	f.Add(packet(4, []byte{3, 'a', 'b', 'c', 0xfb, 0xfc, 1, 0, 'x'}))
	f.Add([]byte{0xff, 0xff, 0xff, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for range 6 {
			_, p, err := readPacket(r, 1<<16)
			if err != nil {
				return
			}
			_, _ = parseGreeting(p)
			_, _ = parseError(p)
			_, _ = parseColumn(p)
			if row, err := parseRow(p, 3); err == nil {
				_ = rowJSON([]column{{name: "a", typ: 3}, {name: "b", typ: 253}, {name: "c", typ: 246}}, row)
			}
			_ = isEOF(p)
		}
	})
}
