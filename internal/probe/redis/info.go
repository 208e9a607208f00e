package redis

import (
	"slices"
	"strconv"
	"strings"
)

// Info is the part of INFO leakwatch uses.
type Info struct {
	Fields   map[string]string // "redis_version" -> "7.0.15", bounded
	Keyspace []DBKeys          // "# Keyspace" lines, sorted by db number
}

// DBKeys is one "db0:keys=1,expires=0,avg_ttl=0" line.
type DBKeys struct {
	DB      int
	Keys    int64
	Expires int64
}

const maxInfoFields = 512

// ParseInfo parses INFO's "key:value" lines. Unknown or malformed lines are
// skipped: INFO differs between Redis, Valkey, KeyDB and Dragonfly.
func ParseInfo(s string) Info {
	in := Info{Fields: map[string]string{}}
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if db, ok := parseDBName(k); ok {
			if d, ok := parseKeyspace(db, v); ok && len(in.Keyspace) < maxInfoFields {
				in.Keyspace = append(in.Keyspace, d)
			}
			continue
		}
		if len(in.Fields) < maxInfoFields {
			in.Fields[k] = v
		}
	}
	slices.SortFunc(in.Keyspace, func(a, b DBKeys) int { return a.DB - b.DB })
	in.Keyspace = slices.CompactFunc(in.Keyspace, func(a, b DBKeys) bool { return a.DB == b.DB })
	return in
}

func parseDBName(k string) (int, bool) {
	n, ok := strings.CutPrefix(k, "db")
	if !ok {
		return 0, false
	}
	db, err := strconv.Atoi(n)
	return db, err == nil && db >= 0 && db < 1<<20
}

func parseKeyspace(db int, v string) (DBKeys, bool) {
	d := DBKeys{DB: db}
	seen := false
	for kv := range strings.SplitSeq(v, ",") {
		k, val, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 {
			continue
		}
		switch k {
		case "keys":
			d.Keys, seen = n, true
		case "expires":
			d.Expires = n
		}
	}
	return d, seen
}

// product names the server from INFO: forks keep redis_version for clients.
func (in Info) product() (name, version string) {
	switch {
	case in.Fields["valkey_version"] != "":
		return "Valkey", in.Fields["valkey_version"]
	case in.Fields["dragonfly_version"] != "":
		return "Dragonfly", in.Fields["dragonfly_version"]
	}
	return "Redis", in.Fields["redis_version"]
}
