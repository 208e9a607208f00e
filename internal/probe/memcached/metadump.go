package memcached

import (
	"bytes"
	"net/url"
	"strconv"
)

// MetaItem is one line of "lru_crawler metadump":
// key=session%3A1 exp=-1 la=1733290000 cas=5 fetch=no cls=1 size=120
type MetaItem struct {
	Key  string
	Size int64
	Exp  int64
}

// ParseMetadumpLine parses one metadump line; ok is false for anything else.
func ParseMetadumpLine(l []byte) (MetaItem, bool) {
	var m MetaItem
	seenKey := false
	for f := range bytes.FieldsSeq(l) {
		k, v, found := bytes.Cut(f, []byte("="))
		if !found {
			return m, false
		}
		switch string(k) {
		case "key":
			key, err := url.QueryUnescape(string(v))
			if err != nil || !ValidKey(key) {
				return m, false
			}
			m.Key, seenKey = key, true
		case "size":
			m.Size, _ = strconv.ParseInt(string(v), 10, 64)
		case "exp":
			m.Exp, _ = strconv.ParseInt(string(v), 10, 64)
		}
	}
	return m, seenKey
}

// Prefix returns the key's namespace: everything up to and including the
// first ':', '/', '|' or '.', or "" when there is none.
func Prefix(key string) string {
	for i := 0; i < len(key) && i < 64; i++ {
		switch key[i] {
		case ':', '/', '|', '.':
			return key[:i+1]
		}
	}
	return ""
}

// ValidKey reports whether key can be sent back in a get: 1-250 bytes, no
// whitespace or control characters. A hostile server could otherwise smuggle
// "\r\nflush_all" into leakwatch's next command line through a key name.
func ValidKey(key string) bool {
	if len(key) == 0 || len(key) > 250 {
		return false
	}
	for i := range len(key) {
		if key[i] <= ' ' || key[i] == 0x7f {
			return false
		}
	}
	return true
}
