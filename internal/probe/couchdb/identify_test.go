package couchdb

import (
	"net/http"
	"testing"

	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// Real CouchDB with require_valid_user answers "/" with 401; no lab server
// does (pouchdb-server ignores the setting), so the answer is spelled out.
func TestIdentifyRequireValidUser(t *testing.T) {
	r := &httpx.Response{Status: 401,
		Header: http.Header{"Server": {"CouchDB/3.3.3 (Erlang OTP/24)"}},
		Body:   []byte(`{"error":"unauthorized","reason":"Authentication required."}`)}
	svc := identify(r)
	if svc == nil || svc.Product != "CouchDB" || svc.Version != "3.3.3" {
		t.Fatalf("identify = %+v", svc)
	}
	r.Header.Set("Server", "nginx")
	if identify(r) != nil {
		t.Fatal("a CouchDB-like error body behind another server was claimed")
	}
	ok := &httpx.Response{Status: 200, Header: http.Header{}, Body: []byte(`{"couchdb":"Welcome","version":"3.3.3"}`)}
	if svc := identify(ok); svc == nil || svc.Product != "CouchDB" {
		t.Fatalf("welcome: %+v", svc)
	}
}
