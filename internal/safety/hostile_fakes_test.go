package safety

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Hostile peers. Each is a connection handler that misbehaves in one way no
// real server does (that is why they are fakes); they stop when the client
// closes or the test ends.

// silence accepts and never says a word.
func silence(c net.Conn) { readUntilClosed(c) }

// drip sends msg one byte per second, forever (msg repeats): each read gets
// a byte before any per-read timeout, so only whole-call deadlines stop it.
func drip(msg string) func(net.Conn) {
	return func(c net.Conn) {
		go readUntilClosed(c)
		for i := 0; ; i++ {
			if _, err := c.Write([]byte{msg[i%len(msg)]}); err != nil {
				return
			}
			time.Sleep(time.Second)
		}
	}
}

// endless writes head, then chunk forever, as fast as the client reads.
func endless(head, chunk string) func(net.Conn) {
	return func(c net.Conn) {
		go readUntilClosed(c)
		if _, err := io.WriteString(c, head); err != nil {
			return
		}
		buf := bytes.Repeat([]byte(chunk), max(1, 64<<10/len(chunk)))
		for {
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}
}

// onFirstBytes waits for the client's first bytes, then writes reply and
// keeps the connection open (a silent peer after its lie).
func onFirstBytes(reply []byte, then func(net.Conn)) func(net.Conn) {
	return func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err != nil {
			return
		}
		if _, err := c.Write(reply); err != nil {
			return
		}
		if then != nil {
			then(c)
			return
		}
		readUntilClosed(c)
	}
}

// endlessAfter: write reply on the first bytes, then 'x' forever.
func endlessAfter(reply []byte) func(net.Conn) {
	return onFirstBytes(reply, func(c net.Conn) { endless("", "x")(c) })
}

// httpRaw answers every request on the connection with resp (raw bytes: a
// lying Content-Length is written as is), after reading the request head.
func httpRaw(resp func(path string) []byte) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(c)
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			for { // headers
				h, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if h == "\r\n" || h == "\n" {
					break
				}
			}
			path := "/"
			if len(f) > 1 {
				path = f[1]
			}
			if _, err := c.Write(resp(path)); err != nil {
				return
			}
		}
	}
}

// httpResponse frames a 200 answer with an Elasticsearch product header.
func httpResponse(body []byte, extra ...string) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Elastic-Product: Elasticsearch\r\n")
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes()
}

const esBanner = `{"name":"n","cluster_name":"c","version":{"number":"8.11.0","build_flavor":"default"},"tagline":"You Know, for Search"}`

var (
	bombOnce sync.Once
	bomb     []byte
)

// gzipBomb is 1 GiB of zeros in about 1 MiB of gzip: one 16 MiB member
// repeated 64 times (gzip readers decode concatenated members as one stream).
func gzipBomb() []byte {
	bombOnce.Do(func() {
		var m bytes.Buffer
		w, _ := gzip.NewWriterLevel(&m, gzip.BestCompression)
		zero := make([]byte, 1<<20)
		for range 16 {
			_, _ = w.Write(zero)
		}
		_ = w.Close()
		bomb = bytes.Repeat(m.Bytes(), 64)
	})
	return bomb
}

// deepJSON is n nested arrays (never closed: a parser must give up first).
func deepJSON(n int) []byte { return bytes.Repeat([]byte("["), n) }

// deepBSON is a document nested depth levels deep: {a:{a:{...{ok:1}}}},
// written in one pass (a builder would copy it depth times).
func deepBSON(depth int) []byte {
	inner := doc().AppendDouble("ok", 1).Build()
	const level = 4 + 1 + 2 + 1 // length, type 0x03, key "a\0", trailing 0
	b := make([]byte, 0, len(inner)+depth*level)
	for i := range depth {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(inner)+(depth-i)*level))
		b = append(b, 0x03, 'a', 0)
	}
	b = append(b, inner...)
	return append(b, make([]byte, depth)...)
}

// mongoHeader frames a reply header that declares length n but sends
// little: the client must refuse n before allocating it.
func mongoHeader(n uint32) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, n)
	b = binary.LittleEndian.AppendUint32(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 1)
	return binary.LittleEndian.AppendUint32(b, wireReply)
}

// lyingMongo is a primary that answers every inventory command with
// impossible numbers: 2^63-1 counts, negative sizes, a never-ending cursor id,
// and names that are not UTF-8.
func lyingMongo(r *wireRequest) []byte {
	const huge = int64(^uint64(0) >> 1)
	switch strings.ToLower(r.cmd) {
	case "ismaster", "hello":
		return r.reply(helloDoc(true))
	case "buildinfo":
		return r.reply(doc().AppendString("version", "7.0.\xff\xfe").AppendDouble("ok", 1).Build())
	case "listdatabases":
		dbs := bsoncore.NewArrayBuilder()
		for i := range 3 {
			dbs.AppendDocument(doc().AppendString("name", fmt.Sprintf("db%d\xc3\x28", i)).
				AppendInt64("sizeOnDisk", -5).AppendBoolean("empty", false).Build())
		}
		return r.reply(doc().AppendArray("databases", dbs.Build()).AppendDouble("totalSize", 9.3e18).
			AppendInt64("totalSizeMb", huge).AppendDouble("ok", 1).Build())
	case "listcollections":
		batch := bsoncore.NewArrayBuilder().
			AppendDocument(doc().AppendString("name", "users\xff").AppendString("type", "collection").Build()).Build()
		cur := doc().AppendInt64("id", huge).AppendString("ns", "db.$cmd.listCollections").AppendArray("firstBatch", batch).Build()
		return r.reply(doc().AppendDocument("cursor", cur).AppendDouble("ok", 1).Build())
	case "collstats":
		return r.reply(doc().AppendInt64("count", huge).AppendInt64("size", -1).AppendInt64("storageSize", huge).
			AppendDouble("avgObjSize", -1e308).AppendDouble("ok", 1).Build())
	case "count":
		return r.reply(doc().AppendInt64("n", huge).AppendDouble("ok", 1).Build())
	case "find", "aggregate", "getmore":
		batch := bsoncore.NewArrayBuilder().
			AppendDocument(doc().AppendString("email", "jane@example.com").AppendString("bad", "\xff\xfe\xfd").Build()).Build()
		cur := doc().AppendInt64("id", huge).AppendString("ns", "db.users").AppendArray("firstBatch", batch).Build()
		return r.reply(doc().AppendDocument("cursor", cur).AppendDouble("ok", 1).Build())
	}
	return r.reply(doc().AppendDouble("ok", 0).AppendString("errmsg", "no such command").AppendInt32("code", 59).Build())
}

// serveRESP answers RESP commands (arrays of bulk strings) with answer(cmd).
func serveRESP(answer func(args []string) string) func(net.Conn) {
	return func(c net.Conn) {
		br := bufio.NewReader(io.LimitReader(c, 1<<20))
		for {
			args, err := readRESPCommand(br)
			if err != nil {
				return
			}
			if _, err := io.WriteString(c, answer(args)); err != nil {
				return
			}
		}
	}
}

func readRESPCommand(br *bufio.Reader) ([]string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimRight(line, "\r\n")
	if !strings.HasPrefix(line, "*") {
		return strings.Fields(line), nil // inline command
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil || n < 0 || n > 64 {
		return nil, fmt.Errorf("bad array %q", line)
	}
	args := make([]string, 0, n)
	for range n {
		h, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		l, err := strconv.Atoi(strings.TrimRight(h, "\r\n")[1:])
		if err != nil || l < 0 || l > 4096 {
			return nil, fmt.Errorf("bad bulk %q", h)
		}
		b := make([]byte, l+2)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, err
		}
		args = append(args, string(b[:l]))
	}
	return args, nil
}

// lyingRedis answers PING, then lies about everything else: key counts of
// 2^63, negative sizes, a SCAN cursor that never ends, invalid UTF-8.
func lyingRedis(args []string) string {
	if len(args) == 0 {
		return "-ERR empty\r\n"
	}
	bulk := func(s string) string { return fmt.Sprintf("$%d\r\n%s\r\n", len(s), s) }
	switch strings.ToUpper(args[0]) {
	case "PING":
		return "+PONG\r\n"
	case "INFO":
		return bulk("# Server\r\nredis_version:7.2.\xff\r\nredis_mode:standalone\r\n# Keyspace\r\n" +
			"db0:keys=9223372036854775808,expires=-1,avg_ttl=-9\r\ndb1:keys=-5,expires=0\r\n")
	case "DBSIZE":
		return ":9223372036854775807\r\n"
	case "SCAN":
		return "*2\r\n" + bulk("18446744073709551615") + "*2\r\n" + bulk("user:\xff\xfe") + bulk("user:2") // a cursor that never ends
	case "TYPE":
		return "+string\r\n"
	case "MEMORY", "STRLEN", "TTL", "PTTL", "OBJECT", "LLEN", "HLEN", "SCARD", "ZCARD", "XLEN":
		return ":-9223372036854775808\r\n"
	case "GET", "GETRANGE":
		return bulk("jane@example.com \xff\xfe +15550001111")
	}
	return "*-1\r\n"
}
