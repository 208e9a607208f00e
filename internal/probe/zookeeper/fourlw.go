package zookeeper

import (
	"bufio"
	"context"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// Four-letter words: one command per connection, a text answer, then the
// server closes. Since 3.5 only whitelisted words run (default: srvr); the
// others answer "<cmd> is not executed because it is not in the whitelist."

const (
	max4lwBytes = 64 << 10
	max4lwLines = 512
)

// errNotWhitelisted is a 4lw refused by 4lw.commands.whitelist.
type notWhitelisted struct{ cmd string }

func (e notWhitelisted) Error() string { return e.cmd + " is not in the 4lw whitelist" }

// fourLetter runs one 4lw and returns its lines.
func fourLetter(ctx context.Context, env *probe.Env, t probe.Target, cmd string) ([]string, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	defer nc.Close()
	if _, err := nc.Write([]byte(cmd)); err != nil {
		return nil, err
	}
	b, err := netio.ReadAll(nc, min(max4lwBytes, env.Limits.MaxResponse))
	if err != nil && len(b) == 0 {
		return nil, err
	}
	return Parse4lw(cmd, b)
}

// Parse4lw splits a 4lw answer into lines, recognising the whitelist refusal.
func Parse4lw(cmd string, b []byte) ([]string, error) {
	s := strings.ToValidUTF8(string(b), "?")
	if strings.Contains(s, "is not executed because it is not in the whitelist") {
		return nil, notWhitelisted{cmd}
	}
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 4096), max4lwBytes)
	for sc.Scan() && len(lines) < max4lwLines {
		lines = append(lines, sc.Text())
	}
	return lines, nil
}

// ParseSrvr reads "Zookeeper version: 3.8.0-..., built on ..." and
// "Key: value" lines of srvr/stat; mntr and envi use "key\tvalue" / "key=value".
func ParseKV(lines []string) map[string]string {
	m := map[string]string{}
	for _, l := range lines {
		var k, v string
		var ok bool
		for _, sep := range []string{"\t", ": ", "="} {
			if k, v, ok = strings.Cut(l, sep); ok {
				break
			}
		}
		if ok && len(k) < 128 && len(m) < max4lwLines {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// versionOf extracts "3.8.0" from "3.8.0-${mvngit.commit.id}, built on ...".
func versionOf(s string) string {
	s, _, _ = strings.Cut(s, ",")
	s, _, _ = strings.Cut(s, "-")
	return strings.TrimSpace(s)
}
