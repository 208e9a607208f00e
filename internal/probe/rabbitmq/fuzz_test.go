package rabbitmq

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

func FuzzParsers(f *testing.F) {
	for _, s := range []string{
		`{"rabbitmq_version":"3.10.8","management_version":"3.10.8","cluster_name":"x","object_totals":{"queues":2},"queue_totals":{"messages":120}}`,
		`{"total_count":1,"items":[{"name":"sms-outbound","vhost":"/","messages":100,"message_bytes":8000}]}`,
		`{"users":[{"name":"ops","password_hash":"abc","hashing_algorithm":"rabbit_password_hashing_sha256","tags":["administrator"]}],"parameters":[{"value":{"src-uri":"amqp://u:p@h"}}]}`,
		`{"error":"not_authorized"}`, `[`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		identify(&httpx.Response{Status: 200, Header: http.Header{}, Body: b})
		var p queuePage
		if json.Unmarshal(b, &p) == nil {
			for _, q := range p.Items {
				if n := nonNegative(q.Messages); n != nil && *n < 0 {
					t.Fatal("negative")
				}
			}
		}
		var d defs
		if json.Unmarshal(b, &d) == nil && len(d.Users) > 0 {
			if s := jsonSample("k", d.Users[0], 40); len(s.Data) > 40 {
				t.Fatal("sample too large")
			}
		}
	})
}
