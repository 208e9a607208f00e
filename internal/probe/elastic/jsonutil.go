package elastic

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/leakwatch/leakwatch/internal/probe"
	"github.com/leakwatch/leakwatch/internal/probe/httpx"
)

// errorf wraps a sentinel error (probe.ErrAuthRequired...) with context.
func errorf(sentinel error, format string, a ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, a...), sentinel)
}

// checkDepth rejects JSON nested deeper than max before it is decoded, so
// a hostile answer cannot make the decoder recurse 10,000 levels deep.
func checkDepth(b []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return probe.Protocolf("JSON nested deeper than %d levels", max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}

// decode checks a response's status, depth and JSON. Non-2xx answers are
// *httpx.StatusError, which wraps probe.ErrAuthRequired for 401 and 403.
func decode(r *httpx.Response, path string, maxDepth int, v any) error {
	if r.Status < 200 || r.Status > 299 {
		return &httpx.StatusError{Path: path, Status: r.Status, Body: clip(strings.TrimSpace(string(r.Body[:min(len(r.Body), 200)])), 200)}
	}
	if err := checkDepth(r.Body, maxDepth); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return probe.Protocolf("%s: invalid JSON: %v", path, clip(err.Error(), 200))
	}
	return nil
}

// statusOf returns the HTTP status of a *httpx.StatusError, or 0.
func statusOf(err error) int {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.Status
	}
	return 0
}

// isMissingAPI reports whether err says the endpoint does not exist here
// (an ES-compatible server without _cat, _mapping...), as opposed to a
// refusal or a broken peer.
func isMissingAPI(err error) bool {
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}

// count is a non-negative integer the server reported, as a JSON number or
// a string (_cat answers "1000"). Anything else, such as 2^63 or -5, is kept
// as bad text and treated as unknown, never as a number.
type count struct {
	v   int64
	set bool   // present and valid
	bad string // present but invalid: the raw text, clipped
}

// UnmarshalJSON never fails, so one odd value does not lose a whole answer.
func (n *count) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if json.Unmarshal(b, &s) != nil {
			n.bad = clip(string(b), 40)
			return nil
		}
		if s == "" { // _cat reports closed indices with empty columns
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		n.bad = clip(s, 40)
		return nil
	}
	n.v, n.set = v, true
	return nil
}

// ptr returns the value for event.Container, nil when unknown.
func (n count) ptr() *int64 {
	if !n.set {
		return nil
	}
	v := n.v
	return &v
}

// epochMillis turns a creation_date ("1796361795063") into a time, if it is
// a plausible one (1990 up to a year from now).
func epochMillis(n count) (time.Time, bool) {
	if !n.set {
		return time.Time{}, false
	}
	t := time.UnixMilli(n.v).UTC()
	if t.Year() < 1990 || t.After(time.Now().AddDate(1, 0, 0)) {
		return time.Time{}, false
	}
	return t, true
}
