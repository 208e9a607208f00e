package zookeeper_test

import (
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/zookeeper"
)

func FuzzDecoder(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0, 0, 0, 1, 'a', 0, 0, 0, 1, 'b'})
	f.Add([]byte{0x7f, 0xff, 0xff, 0xff})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 3, 'x', 'y', 'z'})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := zookeeper.NewDecoder(b)
		kids := d.Strings(10)
		if len(kids) > 10 {
			t.Fatalf("%d strings, max 10", len(kids))
		}
		d = zookeeper.NewDecoder(b)
		data := d.Buffer()
		_ = d.Stat()
		if len(data) > len(b) {
			t.Fatalf("buffer larger than the frame")
		}
	})
}

func FuzzParse4lw(f *testing.F) {
	f.Add([]byte("Zookeeper version: 3.8.0-abc, built on 2024\nMode: standalone\nNode count: 312\n"))
	f.Add([]byte("zk_version\t3.8.0\nzk_znode_count\t312\n"))
	f.Add([]byte("mntr is not executed because it is not in the whitelist.\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lines, err := zookeeper.Parse4lw("srvr", b)
		if err == nil {
			_ = zookeeper.ParseKV(lines)
		}
	})
}
