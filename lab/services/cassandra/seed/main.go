// Command seed runs CQL statements (one per stdin line) against a lab
// Cassandra, for lab/services/cassandra/up.sh. It is deliberately separate
// from the probe's code (a second, independent implementation of the frame
// format) and, unlike the probe, it writes and may log in (PLAIN auth).
//
//	seed ADDR [USER PASS] <statements.cql
package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 && len(os.Args) != 4 {
		return fmt.Errorf("usage: seed ADDR [USER PASS] <statements")
	}
	c, err := net.DialTimeout("tcp", os.Args[1], 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	op, body, err := call(c, 0x01, strMap("CQL_VERSION", "3.0.0", "DRIVER_NAME", "leakwatch-lab-seed"))
	if err != nil {
		return err
	}
	if op == 0x03 { // AUTHENTICATE: PLAIN SASL token \0user\0pass
		if len(os.Args) != 4 {
			return fmt.Errorf("server wants credentials")
		}
		tok := append(append([]byte{0}, os.Args[2]...), append([]byte{0}, os.Args[3]...)...)
		if op, body, err = call(c, 0x0F, append(u32(len(tok)), tok...)); err != nil {
			return err
		}
		if op != 0x10 {
			return fmt.Errorf("auth failed: opcode %#x %q", op, body)
		}
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		q := sc.Text()
		if q == "" {
			continue
		}
		b := append(u32(len(q)), q...)
		b = append(b, 0x00, 0x01, 0x00) // consistency ONE, no flags
		op, body, err := call(c, 0x07, b)
		if err != nil {
			return err
		}
		if op != 0x08 {
			return fmt.Errorf("%q: opcode %#x %q", q, op, body)
		}
		n++
	}
	fmt.Printf("seed: %d statements\n", n)
	return sc.Err()
}

// call sends one v4 frame on stream 0 and reads the answer.
func call(c net.Conn, op byte, body []byte) (byte, []byte, error) {
	c.SetDeadline(time.Now().Add(60 * time.Second))
	h := []byte{0x04, 0, 0, 0, op}
	if _, err := c.Write(append(append(h, u32(len(body))...), body...)); err != nil {
		return 0, nil, err
	}
	var rh [9]byte
	if _, err := io.ReadFull(c, rh[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(rh[5:])
	if n > 16<<20 {
		return 0, nil, fmt.Errorf("frame of %d bytes", n)
	}
	rb := make([]byte, n)
	_, err := io.ReadFull(c, rb)
	if rh[4] == 0x00 {
		return 0, nil, fmt.Errorf("server error: %q", rb)
	}
	return rh[4], rb, err
}

func u32(n int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }

func strMap(kv ...string) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(kv)/2))
	for _, s := range kv {
		b = append(binary.BigEndian.AppendUint16(b, uint16(len(s))), s...)
	}
	return b
}
