// Package classify finds secrets and personal data in sampled documents:
// phone numbers, e-mail addresses, message bodies, passwords and their
// hashes, cloud and SaaS keys, private keys, connection strings, internal
// host names, cards, IBANs, SSNs. Detectors are declared as data in
// detectors.go; documents are walked structurally (JSON, BSON) so that
// field names give context; every value leaves the package redacted.
//
// It is built for throughput (hundreds of MB per CPU-second): no regular
// expressions, one byte-class pass per string value, and field-name
// classification memoised per scanner. See docs/classify.md.
package classify

import "bytes"

// Options bound the work done per document. Zero values take the defaults.
type Options struct {
	MaxDocument   int // bytes of one document scanned (default 4 MiB); the rest is ignored
	MaxValue      int // bytes of one string value scanned (default 256 KiB)
	MaxDepth      int // JSON/BSON nesting depth (default 64)
	MaxDetections int // detections reported per document (default 256)
	// PhoneChecks is how many full libphonenumber validations (~30 µs
	// each) one document may spend to raise the confidence of international
	// numbers found in free text (default 0: the calling-code and length
	// table built from libphonenumber's metadata decides alone).
	PhoneChecks int
	// Unredacted also fills Detection.Raw with the raw value. Only the
	// offline command sets it, on the user's explicit --unredacted.
	Unredacted bool
}

// Detection is one finding in one document. Redacted is the only trace of
// the raw value that leaves the package, unless Options.Unredacted asked
// for Raw.
type Detection struct {
	Field      string // dotted path ("customer.phones.0"); "" for a text document
	Type       string // data type id: "phone", "aws_access_key_id", ...
	Rule       string // detector id
	Confidence string // "low", "medium", "high"
	Redacted   string
	Raw        string // the raw value, only with Options.Unredacted
}

// Engine classifies documents. It is safe for concurrent use.
type Engine struct {
	opts Options
	// free holds idle scanners. A channel, not a sync.Pool: a pool is
	// emptied by every GC, and a scanner's field-name cache is worth keeping.
	free chan *scanner
}

// New returns an engine with opts (defaults filled in).
func New(opts Options) *Engine {
	if opts.MaxDocument <= 0 {
		opts.MaxDocument = 4 << 20
	}
	if opts.MaxValue <= 0 {
		opts.MaxValue = 256 << 10
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 64
	}
	if opts.MaxDetections <= 0 {
		opts.MaxDetections = 256
	}
	if opts.PhoneChecks < 0 {
		opts.PhoneChecks = 0
	}
	return &Engine{opts: opts, free: make(chan *scanner, 64)}
}

func (e *Engine) get() *scanner {
	select {
	case s := <-e.free:
		return s
	default:
		s := &scanner{e: e}
		s.w.maxDepth = e.opts.MaxDepth
		s.w.leaf = s.leaf
		s.nested.maxDepth = e.opts.MaxDepth
		s.nested.leaf = s.leaf
		return s
	}
}

func (e *Engine) put(s *scanner) {
	// Do not keep a huge unescape buffer alive in an idle scanner.
	if cap(s.w.valBuf) > 1<<20 {
		s.w.valBuf = nil
	}
	if cap(s.nested.valBuf) > 1<<20 {
		s.nested.valBuf = nil
	}
	if cap(s.pending) > 1024 {
		s.pending = nil
	}
	select {
	case e.free <- s:
	default:
	}
}

// Document classifies one document and calls emit for each detection.
// format is "json", "bson" or "text"; "" sniffs JSON by its first byte.
// Malformed JSON is scanned up to the error.
func (e *Engine) Document(doc []byte, format string, emit func(Detection)) {
	_ = e.Scan(doc, format, emit)
}

// Scan is Document that also returns the parse error (for the CLI, which
// reports malformed input).
func (e *Engine) Scan(doc []byte, format string, emit func(Detection)) error {
	s := e.get()
	defer e.put(s)
	s.begin(emit)
	if len(doc) > e.opts.MaxDocument {
		doc = doc[:e.opts.MaxDocument]
	}
	if format == "" {
		format = "text"
		if t := bytes.TrimLeft(doc, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			format = "json"
		}
	}
	var err error
	switch format {
	case "json":
		err = s.w.walk(doc)
	case "bson":
		err = s.bsonDocument(doc, 0)
	default:
		s.value(nil, 0, doc)
	}
	s.finish()
	return err
}

// scanner is the per-goroutine state of a scan (pooled).
type scanner struct {
	e        *Engine
	emit     func(Detection)
	keys     keyCache
	w        jsonWalker
	pending  []pending
	digitBuf []byte
	// nested walks JSON serialised inside a string value (one level).
	nested  jsonWalker
	nesting bool
	// Per-document context.
	credential bool // a password or hash was found: usernames count
	logDoc     bool // the document has level/severity fields: "message" is a log line
	phoneDoc   bool // a phone or a message body was found: from/to digits are phones
	phoneLeft  int
	count      int
}

// pending is a detection that depends on the rest of the document.
type pending struct {
	d     Detection
	needs byte // 'c' needs a credential; 'm' a non-log document; 'p' a phone document
}

func (s *scanner) begin(emit func(Detection)) {
	s.emit = emit
	s.pending = s.pending[:0]
	s.credential, s.logDoc, s.phoneDoc = false, false, false
	s.phoneLeft = s.e.opts.PhoneChecks
	s.count = 0
}

func (s *scanner) finish() {
	for _, p := range s.pending {
		if p.needs == 'm' && !s.logDoc {
			s.phoneDoc = true
		}
	}
	for _, p := range s.pending {
		if p.needs == 'c' && s.credential || p.needs == 'm' && !s.logDoc || p.needs == 'p' && s.phoneDoc {
			s.send(p.d)
		}
	}
	s.emit = nil
}

func (s *scanner) send(d Detection) {
	if s.count >= s.e.opts.MaxDetections {
		return
	}
	s.count++
	s.emit(d)
}

// found reports a detection of det on raw (redacted here).
func (s *scanner) found(path []byte, det *Detector, conf Confidence, raw []byte) {
	switch det.Type {
	case "password", "password_hash":
		s.credential = true
	case "phone", "phone_redacted":
		s.phoneDoc = true
	}
	s.send(s.detection(path, det, conf, raw))
}

// detection builds a Detection; the raw value is kept only on request.
func (s *scanner) detection(path []byte, det *Detector, conf Confidence, raw []byte) Detection {
	d := Detection{Field: string(path), Type: det.Type, Rule: det.ID, Confidence: conf.String(), Redacted: Redact(det.Type, raw)}
	if s.e.opts.Unredacted {
		d.Raw = string(raw)
	}
	return d
}

// later queues a detection that the end of the document confirms.
func (s *scanner) later(path []byte, det *Detector, conf Confidence, raw []byte, needs byte) {
	if len(s.pending) >= s.e.opts.MaxDetections {
		return
	}
	s.pending = append(s.pending, pending{needs: needs, d: s.detection(path, det, conf, raw)})
}

// leaf is the walker's callback for every scalar.
func (s *scanner) leaf(path, key, val []byte, num bool) {
	if len(val) == 0 {
		return
	}
	var k keyCtx
	if len(key) > 0 {
		k = s.keys.get(key)
		if k&ctxLogMeta != 0 {
			s.logDoc = true
		}
		if k&ctxGeneric != 0 && k&inheritable == 0 {
			if parent := parentSegment(path, key); len(parent) > 0 {
				if pk := s.keys.get(parent) & inheritable; pk != 0 {
					k = k&^(ctxIDLike|ctxPhoneWeak) | pk
				}
			}
		}
	}
	if num {
		if k != 0 {
			s.field(path, k&^(ctxMessage|ctxUsername), val)
		}
		return
	}
	s.value(path, k, val)
}

// value classifies one string value in its field context.
func (s *scanner) value(path []byte, k keyCtx, v []byte) {
	if len(v) > s.e.opts.MaxValue {
		v = v[:s.e.opts.MaxValue]
	}
	if !s.nesting && len(v) >= 2 && (v[0] == '{' && v[len(v)-1] == '}' || v[0] == '[' && v[len(v)-1] == ']') {
		// JSON inside a string ("payload": "{\"card_number\": ...}"): walk
		// it under this path so that its field names give context.
		if end, err := skipValue(v, 0, 0, s.e.opts.MaxDepth); err == nil && end == len(v) {
			var key []byte
			if len(path) > 0 {
				key = path[bytes.LastIndexByte(path, '.')+1:]
			}
			s.nesting = true
			_ = s.nested.walkUnder(v, path, key)
			s.nesting = false
			return
		}
	}
	if k != 0 && s.field(path, k, v) {
		return
	}
	s.text(path, k, v)
}

// parentSegment returns the field name above key in path ("credit_card"
// for "credit_card.number", "phones" for "phones.0.value"), skipping array
// indices.
func parentSegment(path, key []byte) []byte {
	p := dropIndices(path)
	if !bytes.HasSuffix(p, key) {
		return nil
	}
	p = p[:len(p)-len(key)]
	if len(p) == 0 || p[len(p)-1] != '.' {
		return nil
	}
	p = dropIndices(p[:len(p)-1])
	return p[bytes.LastIndexByte(p, '.')+1:]
}

func dropIndices(p []byte) []byte {
	for len(p) > 0 {
		i := bytes.LastIndexByte(p, '.')
		seg := p[i+1:]
		if len(seg) == 0 || !allIn(seg, isDigit) {
			return p
		}
		if i < 0 {
			return nil
		}
		p = p[:i]
	}
	return p
}
