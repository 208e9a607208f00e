package classify

import "strings"

// keyCtx is what a field name says about its value. Field names are the
// strongest context a structured leak gives: "password" makes any value a
// password, "order_id" makes a 16-digit Luhn-valid number not a card.
type keyCtx uint32

const (
	ctxPassword  keyCtx = 1 << iota // the value is a password or its hash
	ctxUsername                     // a login name (reported only beside a credential)
	ctxPhone                        // phone, mobile, msisdn, tel...
	ctxPhoneWeak                    // from, to, sender, recipient: a phone if it looks international
	ctxCard                         // card number
	ctxSSN                          // social security number
	ctxSecret                       // api key, token, client secret...
	ctxAWSSecret                    // aws secret access key
	ctxMessage                      // body, message, text, sms, content
	ctxLogMeta                      // level, severity, logger: the document is a log record
	ctxIDLike                       // ids, counters, hashes, versions, times: numbers there are not PII
	ctxIBAN                         // iban, bank account
	ctxGeneric                      // number, value, data...: the parent field name says what it is
)

// inheritable is the context a generic child ("credit_card.number",
// "phone.value", "password.hash") takes from its parent field.
const inheritable = ctxPassword | ctxUsername | ctxPhone | ctxCard | ctxSSN | ctxSecret | ctxAWSSecret | ctxIBAN

// Field-name words, matched against the words of a key split at
// separators and camelCase ("customerPhone" -> customer, phone).
var (
	passwordWords = []string{"password", "passwd", "pwd", "pass", "passphrase", "passcode", "pw", "passwort", "pswd", "userpassword", "dbpassword", "adminpassword"}
	usernameWords = []string{"username", "user", "login", "uname", "loginname", "accountname", "userid", "principal", "dbuser"}
	phoneWords    = []string{"phone", "mobile", "msisdn", "tel", "telephone", "cell", "cellphone", "fax", "whatsapp", "phonenumber", "mobilenumber", "msisdns", "phones"}
	phoneWeak     = []string{"from", "to", "sender", "recipient", "caller", "callee", "destination", "originator", "dest", "src"}
	cardWords     = []string{"card", "cc", "pan", "cardnumber", "ccnumber", "creditcard", "ccnum", "cardno", "cardnum"}
	ssnWords      = []string{"ssn", "socialsecurity", "socialsecuritynumber", "sin", "ssnumber"}
	messageWords  = []string{"body", "message", "msg", "text", "sms", "content", "messagebody", "smsbody", "smstext", "bodytext", "plaintext", "comment"}
	logWords      = []string{"level", "severity", "loglevel", "logger", "levelname"}
	ibanWords     = []string{"iban", "bankaccount", "accountnumber"}
	genericWords  = []string{"number", "num", "no", "nr", "value", "val", "data", "raw", "plain", "hash", "digest", "full", "e164", "international", "national", "formatted", "primary", "encrypted", "hashed", "string", "str"}
	idWords       = []string{"id", "ids", "uuid", "guid", "order", "orderid", "invoice", "tracking", "sku", "ref", "reference", "transaction", "txn", "serial", "timestamp", "ts", "time", "created", "updated", "date", "epoch", "version", "build", "seq", "sequence", "count", "total", "amount", "price", "checksum", "sha", "md5", "etag", "digest", "nonce", "hash", "isbn", "ean", "upc", "gtin", "oid", "objectid", "pid", "port", "size", "bytes", "duration", "latency", "ms"}
	// Secret names are matched on the end of the squashed key, so that
	// "stripe_api_key" and "clientSecret" match but "token_type" does not.
	secretSuffixes = []string{"apikey", "apitoken", "accesstoken", "authtoken", "secret", "secretkey", "token", "privatetoken", "refreshtoken", "sessiontoken", "bearertoken", "accesskey", "signingkey", "masterkey", "encryptionkey", "webhooksecret", "privatekey", "appkey", "appsecret", "licensekey", "authkey", "bearer", "apisecret", "credentials", "credential", "xapikey", "accountkey", "authtoken", "apipassword"}
)

// classifyKey computes the context of one field name.
func classifyKey(key []byte) keyCtx {
	var words [12]string
	nw := 0
	var squash strings.Builder
	var cur []byte
	var prev byte
	flush := func() {
		if len(cur) > 0 && nw < len(words) {
			words[nw] = string(cur)
			nw++
		}
		cur = cur[:0]
	}
	for _, c := range key {
		switch {
		case c >= 'A' && c <= 'Z':
			if prev >= 'a' && prev <= 'z' {
				flush()
			}
			c += 'a' - 'A'
			cur = append(cur, c)
			squash.WriteByte(c)
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			cur = append(cur, c)
			squash.WriteByte(c)
		default:
			flush()
		}
		prev = c
	}
	flush()
	sq := squash.String()
	in := func(list []string) bool {
		for i := 0; i < nw; i++ {
			for _, w := range list {
				if words[i] == w {
					return true
				}
			}
		}
		for _, w := range list {
			if sq == w {
				return true
			}
		}
		return false
	}
	last := ""
	if nw > 0 {
		last = words[nw-1]
	}
	lastIn := func(list []string) bool {
		for _, w := range list {
			if last == w || sq == w {
				return true
			}
		}
		return false
	}
	var k keyCtx
	switch {
	case strings.Contains(sq, "password") || strings.Contains(sq, "passwd") || in(passwordWords):
		k |= ctxPassword
		if strings.Contains(sq, "hint") || strings.Contains(sq, "policy") || strings.Contains(sq, "expir") ||
			strings.Contains(sq, "changed") || strings.Contains(sq, "reset") || strings.Contains(sq, "length") ||
			strings.Contains(sq, "required") || strings.Contains(sq, "enabled") || strings.Contains(sq, "updated") ||
			strings.Contains(sq, "salt") {
			k &^= ctxPassword
		}
	case strings.Contains(sq, "secretaccesskey") || strings.Contains(sq, "aws") && strings.HasSuffix(sq, "secret") ||
		strings.Contains(sq, "aws") && strings.HasSuffix(sq, "secretkey"):
		k |= ctxAWSSecret | ctxSecret
	}
	if k&ctxPassword == 0 && k&ctxSecret == 0 {
		for _, s := range secretSuffixes {
			if strings.HasSuffix(sq, s) {
				k |= ctxSecret
				break
			}
		}
	}
	if lastIn(usernameWords) && k&(ctxPassword|ctxSecret) == 0 {
		k |= ctxUsername
	}
	if in(phoneWords) || strings.Contains(sq, "phone") || strings.Contains(sq, "msisdn") {
		k |= ctxPhone
	} else if lastIn(phoneWeak) {
		k |= ctxPhoneWeak
	}
	if in(cardWords) || strings.Contains(sq, "cardnumber") || strings.Contains(sq, "creditcard") {
		if !strings.Contains(sq, "holder") && !strings.Contains(sq, "name") && !strings.Contains(sq, "expir") && !strings.Contains(sq, "cvv") {
			k |= ctxCard
		}
	}
	if in(ssnWords) || strings.Contains(sq, "socialsecurity") {
		k |= ctxSSN
	}
	if in(ibanWords) {
		k |= ctxIBAN
	}
	if lastIn(messageWords) {
		k |= ctxMessage
	}
	if k&(ctxCard|ctxSSN|ctxIBAN|ctxPassword|ctxSecret|ctxUsername) != 0 {
		k &^= ctxPhoneWeak // "card_number", "ssn_number"
	}
	if lastIn(genericWords) {
		k |= ctxGeneric
	}
	if lastIn(logWords) {
		k |= ctxLogMeta
	}
	if (in(idWords) || strings.HasSuffix(sq, "id")) && k&(ctxCard|ctxPhone|ctxSSN|ctxUsername|ctxIBAN) == 0 {
		k |= ctxIDLike
		k &^= ctxPhoneWeak // "tracking_number", "order_number"
	}
	return k
}

// keyCache memoises classifyKey per scanner: documents of one container
// repeat the same few field names. A small direct-mapped table answers most
// look-ups with one string compare; a map holds the rest.
type keyCache struct {
	slots [256]keySlot
	m     map[string]keyCtx
}

type keySlot struct {
	key string
	ctx keyCtx
}

const keyCacheMax = 4096

func (c *keyCache) get(key []byte) keyCtx {
	n := len(key)
	if n == 0 {
		return 0
	}
	sl := &c.slots[(uint(n)*31+uint(key[0])*7+uint(key[n/2])*3+uint(key[n-1]))&255]
	if sl.key == string(key) { // no allocation: compared, not converted
		return sl.ctx
	}
	k, ok := c.m[string(key)]
	if !ok {
		if c.m == nil || len(c.m) >= keyCacheMax {
			c.m = make(map[string]keyCtx, 64)
		}
		k = classifyKey(key)
		if n <= 128 {
			c.m[string(key)] = k
		}
	}
	if n <= 128 {
		sl.key, sl.ctx = string(key), k
	}
	return k
}
