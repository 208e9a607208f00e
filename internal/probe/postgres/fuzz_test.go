package postgres

import (
	"bytes"
	"testing"
)

// FuzzBackendMessages feeds arbitrary bytes to the message reader and every
// body parser: errors are fine, panics and huge allocations are not.
func FuzzBackendMessages(f *testing.F) {
	f.Add(msg('R', 0, 0, 0, 10, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '2', '5', '6', 0, 0))
	f.Add(msg('E', append([]byte("SFATAL\x00C28000\x00Mno pg_hba.conf entry\x00"), 0)...))
	f.Add(append(msg('T', 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 25, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0), msg('D', 0, 1, 0, 0, 0, 1, 'x')...))
	f.Add(msg('S', []byte("server_version\x0015.1\x00")...))
	f.Add([]byte{'R', 0x7f, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for range 8 {
			m, err := readMessage(r, 1<<16)
			if err != nil {
				return
			}
			_, _, _ = parseAuth(m.body)
			_, _ = parseError(m.body)
			_, _ = parseRowDescription(m.body, maxColumns)
			_, _ = parseDataRow(m.body, maxColumns)
			_, _, _ = parseParameterStatus(m.body)
		}
	})
}
