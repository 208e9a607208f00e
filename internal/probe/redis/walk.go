package redis

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
)

type walkResult struct {
	names, values int
	truncated     bool
	indicators    []event.Indicator
}

// walkDB selects db, walks up to maxScanNames key names with SCAN (flagging
// ransom-note names) and samples the values of the first Limits.Sample keys.
func walkDB(c *conn, env *probe.Env, db int, ct *event.Container) (walkResult, error) {
	var w walkResult
	if _, err := c.do("SELECT", strconv.Itoa(db)); err != nil {
		return w, err
	}
	var names, notes []string
	cursor := "0"
	for calls := 0; ; calls++ {
		if calls == maxScanCalls || len(names) >= maxScanNames {
			w.truncated = true
			break
		}
		v, err := c.do("SCAN", cursor, "COUNT", strconv.Itoa(scanCount))
		if err != nil {
			return w, err
		}
		if v.Kind != KindArray || len(v.Array) != 2 || v.Array[1].Kind != KindArray {
			return w, probe.Protocolf("SCAN: unexpected reply shape")
		}
		cursor = v.Array[0].String()
		for _, k := range v.Array[1].Array {
			name := k.String()
			if len(names) < maxScanNames {
				names = append(names, name)
			}
			if ransomName(name) {
				notes = append(notes, name)
			}
		}
		if cursor == "0" {
			break
		}
	}
	w.names = len(names)
	for i, n := range notes {
		if i == 5 {
			break
		}
		w.indicators = append(w.indicators, event.Indicator{Kind: "ransom-note", Container: ct.Name,
			Detail: "key named like a ransom note: " + clipString(n, 64)})
	}
	// Sample ransom notes first (the note is the evidence), then the others.
	pick := append(append([]string{}, notes...), names...)
	seen := map[string]bool{}
	fields := map[string]bool{}
	for _, name := range pick {
		if len(ct.Samples) >= env.Limits.Sample {
			break
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		s, flds, err := sampleKey(c, env, name)
		if err != nil {
			if isServerError(err) { // WRONGTYPE races, NOPERM on one command: skip the key
				continue
			}
			return w, err
		}
		if s == nil {
			continue
		}
		ct.Samples = append(ct.Samples, *s)
		for _, f := range flds {
			if len(fields) < env.Limits.MaxFields && !fields[f] {
				fields[f] = true
				ct.Fields = append(ct.Fields, f)
			}
		}
	}
	ct.Sampled = len(ct.Samples)
	w.values = ct.Sampled
	return w, nil
}

// sampleN is the number of elements read from a hash, list, set or zset.
const sampleN = 32

// sampleKey reads one key's value with a read-only, server-side bounded
// command for its type, and returns it with the hash field names.
func sampleKey(c *conn, env *probe.Env, key string) (*event.Sample, []string, error) {
	typ, err := c.bulk("TYPE", key)
	if err != nil {
		return nil, nil, err
	}
	n := strconv.Itoa(sampleN)
	var (
		data   any
		fields []string
	)
	switch typ {
	case "string":
		s, err := c.bulk("GETRANGE", key, "0", strconv.Itoa(max(env.Limits.MaxSampleBytes-1, 0)))
		if err != nil {
			return nil, nil, err
		}
		return &event.Sample{Key: key, Format: "text", Data: []byte(s)}, nil, nil
	case "hash":
		v, err := c.do("HSCAN", key, "0", "COUNT", n)
		if err != nil {
			return nil, nil, err
		}
		m := map[string]string{}
		pairs := scanPage(v)
		for i := 0; i+1 < len(pairs); i += 2 {
			m[pairs[i]] = pairs[i+1]
			fields = append(fields, pairs[i])
		}
		data = m
	case "list":
		v, err := c.do("LRANGE", key, "0", strconv.Itoa(sampleN-1))
		if err != nil {
			return nil, nil, err
		}
		data = stringsOf(v)
	case "set":
		v, err := c.do("SSCAN", key, "0", "COUNT", n)
		if err != nil {
			return nil, nil, err
		}
		data = scanPage(v)
	case "zset":
		v, err := c.do("ZRANGE", key, "0", strconv.Itoa(sampleN-1), "WITHSCORES")
		if err != nil {
			return nil, nil, err
		}
		data = stringsOf(v)
	case "stream":
		v, err := c.do("XRANGE", key, "-", "+", "COUNT", n)
		if err != nil {
			return nil, nil, err
		}
		data = flatten(v, 0)
	default: // "none" (expired meanwhile), module types: nothing portable to read
		return nil, nil, nil
	}
	b, _ := json.Marshal(data)
	if len(b) > env.Limits.MaxSampleBytes {
		b = b[:env.Limits.MaxSampleBytes]
	}
	return &event.Sample{Key: key, Format: "json", Data: b}, fields, nil
}

// scanPage returns the elements of a [cursor, [elements...]] reply.
func scanPage(v Value) []string {
	if v.Kind != KindArray || len(v.Array) != 2 {
		return nil
	}
	return stringsOf(v.Array[1])
}

func stringsOf(v Value) []string {
	out := make([]string, 0, len(v.Array))
	for _, e := range v.Array {
		out = append(out, e.String())
	}
	return out
}

// flatten turns nested arrays (XRANGE entries) into JSON-able values.
func flatten(v Value, depth int) any {
	if v.Kind != KindArray || depth > 4 {
		return v.String()
	}
	out := make([]any, 0, len(v.Array))
	for _, e := range v.Array {
		out = append(out, flatten(e, depth+1))
	}
	return out
}

// ransomName says whether a key name looks like a note left by a wiper
// ("READ_ME", "how_to_recover_your_data", "meow"...).
func ransomName(name string) bool {
	n := strings.ToLower(name)
	if len(n) > 256 {
		return false
	}
	for _, s := range []string{"read_me", "readme", "read-me", "read me", "how_to_recover", "how-to-recover",
		"how_to_restore", "recover_your", "restore_your", "your_data", "warning", "meow", "ransom"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
