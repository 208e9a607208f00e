package etcd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// rangeRequest is etcdserverpb.RangeRequest in the gateway's JSON form:
// bytes are base64, int64 are strings.
type rangeRequest struct {
	Key       []byte `json:"key"`
	RangeEnd  []byte `json:"range_end,omitempty"`
	Limit     int64  `json:"limit,omitempty"`
	KeysOnly  bool   `json:"keys_only,omitempty"`
	CountOnly bool   `json:"count_only,omitempty"`
}

// RangeResponse is etcdserverpb.RangeResponse in the gateway's JSON form.
type RangeResponse struct {
	Header struct {
		Revision string `json:"revision"`
	} `json:"header"`
	Kvs []struct {
		Key            []byte `json:"key"`
		Value          []byte `json:"value"`
		CreateRevision string `json:"create_revision"`
		ModRevision    string `json:"mod_revision"`
	} `json:"kvs"`
	More  bool   `json:"more"`
	Count string `json:"count"`
	// Gateway errors: {"error":"etcdserver: user name is empty","code":3}
	Error   string `json:"error"`
	Message string `json:"message"`
}

// Total returns count as a number.
func (r *RangeResponse) Total() int64 {
	n, _ := strconv.ParseInt(r.Count, 10, 64)
	return max(n, 0)
}

// gatewayPrefixes are tried in order: /v3 (etcd ≥ 3.4), /v3beta (3.3),
// /v3alpha (3.2).
var gatewayPrefixes = []string{"/v3", "/v3beta", "/v3alpha"}

var errNoGateway = errors.New("etcd: no v3 JSON gateway")

// authErrors are the messages etcd answers when auth is enabled and the
// request carries no (valid) token.
var authErrors = []string{"user name is empty", "invalid auth token", "permission denied", "authentication failed", "auth: "}

// ParseRange decodes a range answer; an auth error wraps probe.ErrAuthRequired.
func ParseRange(status int, body []byte) (*RangeResponse, error) {
	var rr RangeResponse
	if err := json.Unmarshal(body, &rr); err != nil {
		return nil, probe.Protocolf("etcd range: invalid JSON (HTTP %d): %v", status, err)
	}
	msg := rr.Error + " " + rr.Message
	for _, a := range authErrors {
		if strings.Contains(msg, a) {
			return &rr, fmt.Errorf("%w: %s", probe.ErrAuthRequired, strings.TrimSpace(rr.Error))
		}
	}
	if status == 401 || status == 403 {
		return &rr, fmt.Errorf("%w: HTTP %d", probe.ErrAuthRequired, status)
	}
	if status != 200 || rr.Error != "" {
		return &rr, probe.Protocolf("etcd range: HTTP %d %s", status, clip(rr.Error))
	}
	return &rr, nil
}

type rangeClient struct {
	c    *httpx.Client
	base string // "/v3"
}

// findGateway finds the gateway path with a count-only range over all keys.
func findGateway(ctx context.Context, c *httpx.Client) (*rangeClient, *RangeResponse, error) {
	for _, base := range gatewayPrefixes {
		rc := &rangeClient{c: c, base: base}
		rr, status, err := rc.rangeRaw(ctx, rangeRequest{Key: []byte{0}, RangeEnd: []byte{0}, CountOnly: true})
		if status == 404 {
			continue
		}
		return rc, rr, err
	}
	return nil, nil, errNoGateway
}

func (rc *rangeClient) rangeRaw(ctx context.Context, req rangeRequest) (*RangeResponse, int, error) {
	body, _ := json.Marshal(req)
	r, err := rc.c.Do(ctx, "POST", rc.base+"/kv/range", body, "application/json")
	if err != nil {
		return nil, 0, err
	}
	if r.Status == 404 {
		return nil, 404, nil
	}
	rr, err := ParseRange(r.Status, r.Body)
	return rr, r.Status, err
}

func (rc *rangeClient) get(ctx context.Context, req rangeRequest) (*RangeResponse, error) {
	rr, status, err := rc.rangeRaw(ctx, req)
	if err == nil && status == 404 {
		err = probe.Protocolf("etcd range: HTTP 404")
	}
	return rr, err
}

// prefixEnd is etcd's range end for "every key starting with p".
func prefixEnd(p []byte) []byte {
	end := []byte(string(p))
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return []byte{0} // p is all 0xff: to the end of the key space
}

func clip(s string) string { return s[:min(len(s), 80)] }
