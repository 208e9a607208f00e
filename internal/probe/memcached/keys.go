package memcached

import (
	"context"
	"strconv"
	"strings"

	"github.com/leakwatch/leakwatch/internal/probe"
)

// listKeys lists up to maxDumpKeys key names. memcached ≥ 1.4.31 has
// "lru_crawler metadump all"; it must be the only command on its connection
// and streams every key, so it runs on its own connection that is closed as
// soon as enough names were read. Older servers (or a disabled crawler) get
// "stats cachedump <class> <limit>" per slab class instead.
func listKeys(ctx context.Context, env *probe.Env, t probe.Target, c *conn) (keys []string, how string, truncated bool, err error) {
	keys, truncated, err = metadump(ctx, env, t)
	if err == nil && (len(keys) > 0 || !truncated) {
		return keys, "lru_crawler metadump", truncated, nil
	}
	keys, truncated, err2 := cachedump(c)
	if err2 != nil {
		return keys, "", truncated, err2
	}
	return keys, "stats cachedump", truncated, nil
}

func metadump(ctx context.Context, env *probe.Env, t probe.Target) ([]string, bool, error) {
	c, err := dial(ctx, env, t)
	if err != nil {
		return nil, false, err
	}
	defer c.nc.Close()
	if err := c.send("lru_crawler metadump all"); err != nil {
		return nil, false, err
	}
	var keys []string
	for {
		l, err := c.r.Line()
		if err != nil {
			return keys, true, err
		}
		s := string(l)
		switch {
		case s == "END":
			return keys, false, nil
		case strings.HasPrefix(s, "ERROR") || strings.HasPrefix(s, "BUSY") || strings.HasPrefix(s, "CLIENT_ERROR"):
			return nil, true, probe.Protocolf("metadump: %s", clip(l))
		}
		if m, ok := ParseMetadumpLine(l); ok {
			keys = append(keys, m.Key)
		}
		if len(keys) >= maxDumpKeys {
			return keys, true, nil
		}
	}
}

// cachedump lists keys per slab class from "stats items".
func cachedump(c *conn) ([]string, bool, error) {
	if err := c.send("stats items"); err != nil {
		return nil, false, err
	}
	st, err := c.r.Stats(4096)
	if err != nil {
		return nil, false, err
	}
	classes := map[int]bool{}
	for k := range st { // items:<class>:number
		parts := strings.Split(k, ":")
		if len(parts) == 3 && parts[0] == "items" {
			if n, err := strconv.Atoi(parts[1]); err == nil && n > 0 && n < 256 {
				classes[n] = true
			}
		}
	}
	var keys []string
	truncated := false
	for cls := 1; cls < 256; cls++ {
		if !classes[cls] {
			continue
		}
		if len(keys) >= maxDumpKeys {
			truncated = true
			break
		}
		if err := c.send("stats cachedump " + strconv.Itoa(cls) + " 1000"); err != nil {
			return keys, true, err
		}
		for {
			l, err := c.r.Line()
			if err != nil {
				return keys, true, err
			}
			if string(l) == "END" {
				break
			}
			// ITEM <key> [<size> b; <exp> s]
			if rest, ok := strings.CutPrefix(string(l), "ITEM "); ok {
				if k, _, ok := strings.Cut(rest, " "); ok && ValidKey(k) && len(keys) < maxDumpKeys {
					keys = append(keys, k)
				}
			}
		}
	}
	return keys, truncated, nil
}
