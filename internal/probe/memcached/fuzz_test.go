package memcached_test

import (
	"bytes"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/memcached"
)

func FuzzReader(f *testing.F) {
	for _, s := range []string{"STAT version 1.6.18\r\nSTAT curr_items 1000\r\nEND\r\n",
		"VALUE a 0 5\r\nhello\r\nVALUE b 1 0\r\n\r\nEND\r\n", "VALUE a 0 4294967296\r\n", "VALUE a 0 -1\r\n",
		"CLIENT_ERROR unauthenticated\r\n", "STAT\r\n", "VALUE a 0 3\r\nabcXY"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := memcached.NewReader(bytes.NewReader(data), 4096)
		if _, err := r.Stats(10); err != nil {
			r = memcached.NewReader(bytes.NewReader(data), 4096)
			items, _ := r.Values(16)
			for _, it := range items {
				if len(it.Data) > 16 || it.Size < 0 {
					t.Fatalf("item beyond limits: %+v", it)
				}
			}
		}
	})
}

func FuzzParseMetadumpLine(f *testing.F) {
	f.Add([]byte("key=session%3A0001 exp=-1 la=1733290000 cas=5 fetch=no cls=1 size=120"))
	f.Add([]byte("key=a%0D%0Aflush_all exp=-1"))
	f.Add([]byte("key= size=x"))
	f.Fuzz(func(t *testing.T, l []byte) {
		m, ok := memcached.ParseMetadumpLine(l)
		if ok && !memcached.ValidKey(m.Key) {
			t.Fatalf("accepted a key unsafe to send back: %q", m.Key)
		}
		_ = memcached.Prefix(m.Key)
	})
}
