package redis_test

import (
	"bytes"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/redis"
)

func FuzzReadReply(f *testing.F) {
	for _, s := range []string{"+PONG\r\n", "-NOAUTH Authentication required.\r\n", ":42\r\n", "$5\r\nhello\r\n",
		"$-1\r\n", "*2\r\n$1\r\n0\r\n*1\r\n$3\r\nkey\r\n", "*-1\r\n", "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
		"$4294967296\r\n", "*2147483647\r\n", "$3\r\nabcXY", "%1\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := redis.NewReader(bytes.NewReader(data), redis.Limits{MaxReply: 4096, MaxBulk: 1024, MaxElements: 100, MaxDepth: 4})
		for range 8 {
			v, err := r.ReadReply()
			if err != nil {
				return
			}
			if len(v.Str) > 4096 || len(v.Array) > 100 {
				t.Fatalf("reply beyond limits: %d bytes, %d elements", len(v.Str), len(v.Array))
			}
		}
	})
}

func FuzzParseInfo(f *testing.F) {
	f.Add("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n# Keyspace\r\ndb0:keys=1005,expires=0,avg_ttl=0\r\ndb1:keys=2,expires=0,avg_ttl=0\r\n")
	f.Add("db-1:keys=1\r\ndb99999999999:keys=2\r\ndb3:keys=x,expires=-1\r\n:::\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		in := redis.ParseInfo(s)
		for i := 1; i < len(in.Keyspace); i++ {
			if in.Keyspace[i-1].DB >= in.Keyspace[i].DB {
				t.Fatalf("keyspace not sorted/unique: %+v", in.Keyspace)
			}
		}
		for _, d := range in.Keyspace {
			if d.Keys < 0 || d.DB < 0 {
				t.Fatalf("negative: %+v", d)
			}
		}
	})
}
