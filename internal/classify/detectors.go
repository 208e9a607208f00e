package classify

import "bytes"

// The detectors, declared as data. Each says how candidates are found (its
// Anchor and Keywords, the prefilter), what shape and checksum make a
// candidate a detection (Match, Validate), which field-name context raises
// its confidence or is required, and carries positive and negative examples
// that detectors_test.go runs. The scanning code (scan.go, fields.go) finds
// candidates per anchor and consults these entries.

// Confidence grades a detection.
type Confidence uint8

const (
	Low Confidence = iota + 1
	Medium
	High
)

func (c Confidence) String() string {
	switch c {
	case High:
		return "high"
	case Medium:
		return "medium"
	}
	return "low"
}

// ParseConfidence is the inverse of String ("" and unknown give Low).
func ParseConfidence(s string) Confidence {
	switch s {
	case "high":
		return High
	case "medium":
		return Medium
	}
	return Low
}

// Anchor is how a detector's candidates are found.
type Anchor uint8

const (
	AnchorPrefix   Anchor = iota + 1 // a word that starts with one of Keywords
	AnchorEmail                      // a word with '@'
	AnchorHost                       // a dotted word ending in one of Keywords
	AnchorIP                         // a dotted quad
	AnchorDigits                     // a run of digits, separators and masks
	AnchorIBAN                       // two letters, two digits, then groups
	AnchorURI                        // scheme://user:password@host
	AnchorCrypt                      // a '$'-led modular-crypt hash
	AnchorPEM                        // -----BEGIN ... PRIVATE KEY-----
	AnchorField                      // the whole value of a field named as in Context (or key=value in text)
	AnchorSentence                   // sentence-like text in a field named as in Context
)

// Example is a value in a field ("" = a text document).
type Example struct{ Field, Value string }

// Detector declares one rule.
type Detector struct {
	ID       string // rule id, reported as Detection.Rule
	Type     string // data type id, reported as Detection.Type
	Anchor   Anchor
	Keywords []string          // prefilter: token prefixes, host suffixes, URI schemes
	Match    func([]byte) bool // shape of the candidate (hand-written scanner), nil = anchor is enough
	Validate func([]byte) bool // checksum or structural rule, nil = none
	Context  keyCtx            // field-name context that raises confidence...
	Requires bool              // ...or without which there is no detection
	// Confidence without and with the field context.
	Confidence, InContext Confidence
	Pos, Neg              []Example
}

var (
	detAWSKeyID = &Detector{ID: "aws-access-key-id", Type: "aws_access_key_id", Anchor: AnchorPrefix,
		Keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"},
		Match:    func(w []byte) bool { return len(w) == 20 && allIn(w[4:], isBase32Upper) },
		// A 20-character id whose tail is all letters is a word, not a key.
		Validate:   func(w []byte) bool { return countDigits(w[4:]) > 0 },
		Confidence: High, InContext: High,
		Pos: []Example{{"aws_access_key_id", "AKIAZ7VRSQ5HKMZWL3XQ"}, {"", "export AWS_ACCESS_KEY_ID=AKIAZ7VRSQ5HKMZWL3XQ"}, {"cfg", "key ASIAY34FZKBOKMUTVV7A used"}},
		Neg: []Example{{"", "AKIAZ7VRSQ5HKMZWL3XQ1"}, {"", "AKIAAAAAAAAAAAAAAAAA"}, {"note", "AKIA is the prefix"}}}

	detAWSSecret = &Detector{ID: "aws-secret-access-key", Type: "aws_secret_access_key", Anchor: AnchorField,
		Match:   awsSecretShape,
		Context: ctxAWSSecret, Requires: true, Confidence: High, InContext: High,
		Pos: []Example{{"aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, {"", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, {"AWS.SecretAccessKey", "Zq3mB8vK1pR7tY2wX9cN4hJ6gF0dS5aL8eU3iO1k"}},
		Neg: []Example{{"note", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, {"aws_secret_access_key", "short"}}}

	detGCPKey = &Detector{ID: "gcp-api-key", Type: "gcp_api_key", Anchor: AnchorPrefix, Keywords: []string{"AIza"},
		Match:      func(w []byte) bool { return len(w) == 39 && allIn(w[4:], isURLBase64) },
		Confidence: High, InContext: High,
		Pos: []Example{{"maps_key", "AIzaSyD8x3kQ2mN7pL4vR9tW1yZ6bC0eF5gH2jK"}, {"", "https://maps.googleapis.com/maps/api/js?key=AIzaSyD8x3kQ2mN7pL4vR9tW1yZ6bC0eF5gH2jK"}},
		Neg: []Example{{"", "AIzaSyD8x3kQ2mN7"}, {"", "AIzaSyD8x3kQ2mN7pL4vR9tW1yZ6bC0eF5gH2jKX"}}}

	detGitHub = &Detector{ID: "github-token", Type: "github_token", Anchor: AnchorPrefix,
		Keywords:   []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
		Match:      func(w []byte) bool { return len(w) == 40 && allIn(w[4:], isAlnum) },
		Confidence: High, InContext: High,
		Pos: []Example{{"token", "ghp_R8kT2vN5xQ7mW1pL9zB4cJ6hF3dS0aY2eU8i"}, {"", "git clone https://ghs_R8kT2vN5xQ7mW1pL9zB4cJ6hF3dS0aY2eU8i@github.com/x/y"}},
		Neg: []Example{{"", "ghp_short"}, {"", "ghp_R8kT2vN5xQ7mW1pL9zB4cJ6hF3dS0aY2eU8i9"}}}

	detGitHubPAT = &Detector{ID: "github-fine-grained-pat", Type: "github_token", Anchor: AnchorPrefix,
		Keywords:   []string{"github_pat_"},
		Match:      func(w []byte) bool { return len(w) >= 60 && len(w) <= 100 && allIn(w[11:], isWordChar) },
		Confidence: High, InContext: High,
		Pos: []Example{{"", "GITHUB_TOKEN=github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01234"}},
		Neg: []Example{{"", "github_pat_short"}}}

	detSlack = &Detector{ID: "slack-token", Type: "slack_token", Anchor: AnchorPrefix,
		Keywords: []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"},
		Match: func(w []byte) bool {
			return len(w) >= 24 && len(w) <= 256 && allIn(w[5:], func(c byte) bool { return isAlnum(c) || c == '-' }) && countDigits(w) >= 6
		},
		Confidence: High, InContext: High,
		Pos: []Example{{"slack_bot_token", "xoxb-2094857361-4820391745628-Qk7vT2mN9xR4pL1zB8cJ6hF3"}},
		Neg: []Example{{"", "xoxb-not-a-token"}}}

	detSlackWebhook = &Detector{ID: "slack-webhook", Type: "slack_webhook", Anchor: AnchorURI,
		Keywords:   []string{"hooks.slack.com"},
		Confidence: High, InContext: High,
		Pos: []Example{{"webhook", "https://hooks.slack.com/services/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"}},
		Neg: []Example{{"", "https://hooks.slack.com/"}}}

	detStripe = &Detector{ID: "stripe-secret-key", Type: "stripe_secret_key", Anchor: AnchorPrefix,
		Keywords:   []string{"sk_live_", "rk_live_"},
		Match:      func(w []byte) bool { return len(w) >= 28 && len(w) <= 255 && allIn(w[8:], isAlnum) },
		Confidence: High, InContext: High,
		Pos: []Example{{"stripe", "sk_live_51HqZ2vK8mN3pL7xR4tW9yB2cJ6hF0dS5aY1eU8iO3kG7"}, {"", "STRIPE_KEY=rk_live_4eC39HqLyjWDarjtT1zdp7dc"}},
		Neg: []Example{{"", "sk_live_"}, {"", "pk_live_51HqZ2vK8mN3pL7xR4tW9yB2cJ6hF0dS5aY1eU8iO3kG7"}}}

	detStripeTest = &Detector{ID: "stripe-test-secret-key", Type: "stripe_secret_key", Anchor: AnchorPrefix,
		Keywords:   []string{"sk_test_", "rk_test_"},
		Match:      func(w []byte) bool { return len(w) >= 28 && len(w) <= 255 && allIn(w[8:], isAlnum) },
		Confidence: Low, InContext: Low,
		Pos: []Example{{"", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}},
		Neg: []Example{{"", "sk_test_x"}}}

	detTwilio = &Detector{ID: "twilio-api-key", Type: "twilio_api_key", Anchor: AnchorPrefix, Keywords: []string{"SK"},
		Match:      func(w []byte) bool { return len(w) == 34 && allIn(w[2:], isLowerHex) && countDigits(w) >= 4 },
		Confidence: High, InContext: High,
		Pos: []Example{{"twilio_key", "SK2f8c1e9a7b3d4f6e0a5c8b7d9e1f3a2b"}},
		Neg: []Example{{"", "SKU1234"}, {"", "SK2f8c1e9a7b3d4f6e0a5c8b7d9e1f3a2bz"}}}

	detSendGrid = &Detector{ID: "sendgrid-api-key", Type: "sendgrid_api_key", Anchor: AnchorPrefix, Keywords: []string{"SG."},
		Match: func(w []byte) bool {
			return len(w) == 69 && w[25] == '.' && allIn(w[3:25], isURLBase64) && allIn(w[26:], isURLBase64)
		},
		Confidence: High, InContext: High,
		Pos: []Example{{"sendgrid", "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"}},
		Neg: []Example{{"", "SG.short.token"}}}

	detGitLab = &Detector{ID: "gitlab-token", Type: "gitlab_token", Anchor: AnchorPrefix, Keywords: []string{"glpat-", "gldt-", "glrt-"},
		Match: func(w []byte) bool {
			i := bytes.IndexByte(w, '-')
			return len(w)-i-1 >= 20 && len(w) <= 80 && allIn(w[i+1:], isURLBase64)
		},
		Confidence: High, InContext: High,
		Pos: []Example{{"ci", "glpat-xR4pL1zB8cJ6hF3dS0aY"}},
		Neg: []Example{{"", "glpat-short"}}}

	detNPM = &Detector{ID: "npm-token", Type: "npm_token", Anchor: AnchorPrefix, Keywords: []string{"npm_"},
		Match:      func(w []byte) bool { return len(w) == 40 && allIn(w[4:], isAlnum) && countDigits(w) > 0 },
		Confidence: High, InContext: High,
		Pos: []Example{{"", "//registry.npmjs.org/:_authToken=npm_Qk7vT2mN9xR4pL1zB8cJ6hF3dS0aY2eU8iO3"}},
		Neg: []Example{{"", "npm_config_cache"}}}

	detOpenAI = &Detector{ID: "openai-api-key", Type: "openai_api_key", Anchor: AnchorPrefix, Keywords: []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"},
		Match: func(w []byte) bool {
			return len(w) >= 40 && len(w) <= 256 && allIn(w[3:], isURLBase64) &&
				(bytes.Contains(w, []byte("T3BlbkFJ")) || bytes.HasPrefix(w, []byte("sk-proj-")) || bytes.HasPrefix(w, []byte("sk-svcacct-")) || bytes.HasPrefix(w, []byte("sk-admin-")))
		},
		Confidence: High, InContext: High,
		Pos: []Example{{"OPENAI_API_KEY", "sk-proj-Qk7vT2mN9xR4pL1zB8cJ6hF3dS0aY2eU8iO3kG7wX5rT1yN6"}, {"", "key sk-Qk7vT2mN9xR4pL1zB8cJT3BlbkFJ6hF3dS0aY2eU8iO3kG7wX5 here"}},
		Neg: []Example{{"", "sk-not-a-key"}, {"", "sk-Qk7vT2mN9xR4pL1zB8cJ6hF3dS0aY2eU8iO3kG7wX5rT1yN6"}}}

	detGoogleOAuth = &Detector{ID: "gcp-oauth-client-secret", Type: "gcp_oauth_client_secret", Anchor: AnchorPrefix, Keywords: []string{"GOCSPX-"},
		Match:      func(w []byte) bool { return len(w) == 35 && allIn(w[7:], isURLBase64) },
		Confidence: High, InContext: High,
		Pos: []Example{{"web", "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"}},
		Neg: []Example{{"", "GOCSPX-short"}}}

	detJWT = &Detector{ID: "jwt", Type: "jwt", Anchor: AnchorPrefix, Keywords: []string{"eyJ"},
		Match: func(w []byte) bool {
			return len(w) >= 30 && len(w) <= 8192 && allIn(w, func(c byte) bool { return isURLBase64(c) || c == '.' })
		},
		Validate:   jwtValid,
		Confidence: High, InContext: High,
		Pos: []Example{{"", "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"}},
		Neg: []Example{{"", "eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.sig"}, {"", "eyJhbGciOiJIUzI1NiJ9"}}}

	detPEM = &Detector{ID: "private-key", Type: "private_key", Anchor: AnchorPEM, Keywords: []string{"-----BEGIN"},
		Confidence: High, InContext: High,
		Pos: []Example{{"key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1x2y3z\n-----END RSA PRIVATE KEY-----"}, {"", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"}},
		Neg: []Example{{"cert", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"}, {"", "-----BEGIN PUBLIC KEY-----"}}}

	detGeneric = &Detector{ID: "generic-api-key", Type: "generic_api_key", Anchor: AnchorField,
		Match:   secretShape,
		Context: ctxSecret, Requires: true, Confidence: Medium, InContext: Medium,
		Pos: []Example{{"api_key", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}, {"client_secret", "Qk7vT2mN9xR4pL1zB8cJ6hF3dS0aY2eU"}, {"", "curl -H 'x' https://api.example.com?api_key=Zx81kLm0Qp2Rt7Yu5Io3Pa9Sd"}},
		Neg: []Example{{"token_type", "Bearer"}, {"api_key", "changeme"}, {"description", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}, {"token", "${API_TOKEN}"}}}

	detEmail = &Detector{ID: "email", Type: "email", Anchor: AnchorEmail, Validate: emailValid,
		Confidence: High, InContext: High,
		Pos: []Example{{"email", "jane.doe+news@example.com"}, {"body", "write to bob@mail.example.co.uk today"}},
		Neg: []Example{{"", "icon@2x.png"}, {"", "j***@example.com"}, {"", "user@localhost"}, {"", "a@b"}}}

	detPhone = &Detector{ID: "phone", Type: "phone", Anchor: AnchorDigits,
		Context: ctxPhone | ctxPhoneWeak, Confidence: Medium, InContext: High,
		Pos: []Example{{"phone", "+1 (415) 555-0172"}, {"to", "+447700900123"}, {"mobile", "07700 900123"}, {"body", "call me at +49 30 901820 tomorrow"}, {"msisdn", "14155550172"}},
		Neg: []Example{{"order_id", "4155550172"}, {"body", "order 20240115103000 shipped"}, {"to", "12"}, {"version", "1.2.3"}}}

	detPhoneRedacted = &Detector{ID: "phone-redacted", Type: "phone_redacted", Anchor: AnchorDigits,
		Context: ctxPhone | ctxPhoneWeak, Confidence: Low, InContext: Low,
		Pos: []Example{{"phone", "+1415***4567"}, {"phone", "+1 (415) XXX-4567"}, {"", "sent to +44 7700 ****23"}},
		Neg: []Example{{"", "x*y*z"}, {"phone", "N/A"}}}

	detCard = &Detector{ID: "credit-card", Type: "credit_card", Anchor: AnchorDigits, Validate: func(d []byte) bool { return luhn(d) && cardIIN(d) },
		Context: ctxCard, Confidence: Medium, InContext: High,
		Pos: []Example{{"card_number", "4111111111111111"}, {"payment", "5500 0000 0000 0004"}, {"note", "paid with card 378282246310005"}},
		Neg: []Example{{"order_id", "4111111111111111"}, {"payment", "4111 1111 1111 1112"}, {"note", "4111111111111111"}}}

	detIBAN = &Detector{ID: "iban", Type: "iban", Anchor: AnchorIBAN, Validate: ibanValid,
		Context: ctxIBAN, Confidence: High, InContext: High,
		Pos: []Example{{"iban", "DE89370400440532013000"}, {"", "pay to GB82 WEST 1234 5698 7654 32 now"}},
		Neg: []Example{{"iban", "DE89370400440532013001"}, {"", "DE12 is not an iban"}}}

	detSSN = &Detector{ID: "ssn", Type: "ssn", Anchor: AnchorDigits, Validate: ssnValid,
		Context: ctxSSN, Confidence: Medium, InContext: High,
		Pos: []Example{{"ssn", "123-45-6789"}, {"ssn", "123456789"}, {"notes", "SSN 536-22-1490 on file"}},
		Neg: []Example{{"ssn", "000-12-3456"}, {"ssn", "666-12-3456"}, {"notes", "ticket 123456789"}, {"ssn", "900-12-3456"}}}

	detPrivateIP = &Detector{ID: "private-ip", Type: "private_ip", Anchor: AnchorIP,
		Confidence: Medium, InContext: Medium,
		Pos: []Example{{"host", "10.20.30.40"}, {"", "upstream 192.168.1.20:8080 timed out"}, {"", "172.16.5.4"}},
		Neg: []Example{{"", "8.8.8.8"}, {"", "172.32.0.1"}, {"version", "10.2.3.4"}, {"", "10.0.0.0/8"}}}

	detInternalHost = &Detector{ID: "internal-hostname", Type: "internal_hostname", Anchor: AnchorHost,
		Keywords:   []string{"internal", "corp", "local", "lan", "intranet", "localdomain"},
		Confidence: Medium, InContext: Medium,
		Pos: []Example{{"host", "db01.corp.internal"}, {"", "connect ip-10-0-0-1.ec2.internal:5432"}, {"", "redis.cache.svc.cluster.local"}, {"", "nas.lan"}, {"", "vm1.abcdefgh.internal.cloudapp.net"}, {"", "printer.home.arpa"}},
		Neg: []Example{{"", "www.example.com"}, {"", "localhost.localdomain"}, {"", "file.local.yml"}}}

	detDBURI = &Detector{ID: "db-connection-uri", Type: "db_connection_uri", Anchor: AnchorURI,
		Keywords: []string{"postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
			"amqp", "amqps", "mssql", "sqlserver", "oracle", "clickhouse", "cassandra", "couchdb", "couchbase", "neo4j",
			"bolt", "memcached", "influxdb", "nats", "kafka", "ldap", "ldaps", "elasticsearch", "cockroachdb"},
		Confidence: High, InContext: High,
		Pos: []Example{{"database_url", "postgres://app:S3cr3tPass@db01.corp.internal:5432/app"}, {"", "jdbc:mysql://root:toor@10.0.0.5:3306/shop"}, {"", "MONGO=mongodb+srv://svc:pa55w0rd@cluster0.example.net/prod"}},
		Neg: []Example{{"", "postgres://app@db:5432/app"}, {"", "postgres://app:${DB_PASSWORD}@db/app"}, {"", "redis://localhost:6379"}}}

	detURLCreds = &Detector{ID: "credentials-in-url", Type: "credentials_in_url", Anchor: AnchorURI,
		Keywords:   []string{"http", "https", "ftp", "ftps", "sftp", "smtp", "smtps", "ssh", "git", "svn", "ws", "wss"},
		Confidence: High, InContext: High,
		Pos: []Example{{"registry", "https://deploy:Tr0ub4dor3@registry.example.com/v2/"}},
		Neg: []Example{{"", "https://example.com/a:b@c"}, {"", "https://user@example.com"}}}

	detPassword = &Detector{ID: "password", Type: "password", Anchor: AnchorField,
		Context: ctxPassword, Requires: true, Confidence: High, InContext: High,
		Pos: []Example{{"password", "hunter2"}, {"db.pass", "Tr0ub4dor&3"}, {"", "login failed user=bob password=Winter2024!"}, {"DB_PASSWORD", "correct horse"}},
		Neg: []Example{{"password", "********"}, {"password", ""}, {"password_hint", "pet name"}, {"", "password: incorrect"}, {"password", "${DB_PASSWORD}"}}}

	detPasswordHash = &Detector{ID: "password-hash", Type: "password_hash", Anchor: AnchorField,
		Context: ctxPassword, Requires: true, Confidence: High, InContext: High,
		Pos: []Example{{"password", "5f4dcc3b5aa765d61d8327deb882cf99"}, {"password_hash", "$6$rounds=5000$saltsalt$Vd1mP0kQ9zXlR8wO5hV3JcT7fB2nE6gA4sY1uI0pL9mK3jH8dF5gS2aQ1wE4rT7yU0iO3pA6sD9fG2hJ5kL8zX"}},
		Neg: []Example{{"checksum", "5f4dcc3b5aa765d61d8327deb882cf99"}, {"sha", "da39a3ee5e6b4b0d3255bfef95601890afd80709"}}}

	detCryptHash = &Detector{ID: "crypt-hash", Type: "password_hash", Anchor: AnchorCrypt, Match: func(w []byte) bool { return cryptHash(w) > 0 },
		Confidence: High, InContext: High,
		Pos: []Example{{"note", "hash=$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"}, {"", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$4Hs0ZQm8J9n3Yk7Pl2Rt5Vx1Bw6Cz0Dq"}},
		Neg: []Example{{"", "$2b$12$short"}, {"price", "$100"}}}

	detUsername = &Detector{ID: "username", Type: "username", Anchor: AnchorField,
		Context: ctxUsername, Requires: true, Confidence: Medium, InContext: Medium,
		Pos: []Example{{"", `{"username":"jsmith","password":"hunter22"}`}},
		Neg: []Example{{"username", "jsmith"}, {"", `{"user":"jsmith","role":"admin"}`}}}

	detMessage = &Detector{ID: "message-content", Type: "message_content", Anchor: AnchorSentence,
		Context: ctxMessage, Requires: true, Confidence: Medium, InContext: Medium,
		Pos: []Example{{"body", "Your verification code is ready, see you at the clinic tomorrow"}, {"", `{"from":"+14155550172","text":"hey, are we still on for dinner tonight?"}`}},
		Neg: []Example{{"body", "OK"}, {"", `{"level":"info","message":"connection closed by remote peer"}`}, {"message", "GET /api/v1/users?id=42 200 12ms"}}}
)

// Detectors lists every rule (documentation order).
var Detectors = []*Detector{
	detPhone, detPhoneRedacted, detEmail, detMessage, detPassword, detPasswordHash, detCryptHash, detUsername,
	detAWSKeyID, detAWSSecret, detGCPKey, detGitHub, detGitHubPAT, detSlack, detSlackWebhook, detStripe, detStripeTest,
	detTwilio, detSendGrid, detGitLab, detNPM, detOpenAI, detGoogleOAuth, detJWT, detPEM, detGeneric, detDBURI, detURLCreds, detInternalHost, detPrivateIP,
	detCard, detIBAN, detSSN,
}

// prefixIndex maps a word's first byte to the prefix detectors to try.
var prefixIndex [256][]*Detector

func init() {
	for _, d := range Detectors {
		if d.Anchor != AnchorPrefix {
			continue
		}
		seen := map[byte]bool{}
		for _, kw := range d.Keywords {
			if !seen[kw[0]] {
				seen[kw[0]] = true
				prefixIndex[kw[0]] = append(prefixIndex[kw[0]], d)
			}
		}
	}
}

// Shape helpers used by the table.

func allIn(b []byte, ok func(byte) bool) bool {
	for _, c := range b {
		if !ok(c) {
			return false
		}
	}
	return true
}

func countDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if isDigit(c) {
			n++
		}
	}
	return n
}

func isBase32Upper(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' }
func isURLBase64(c byte) bool   { return isAlnum(c) || c == '-' || c == '_' }
func isWordChar(c byte) bool    { return isAlnum(c) || c == '_' }
func isLowerHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' }

// awsSecretShape: 40 characters of base64 with mixed classes.
func awsSecretShape(v []byte) bool {
	if len(v) != 40 || !allIn(v, func(c byte) bool { return isAlnum(c) || c == '/' || c == '+' }) {
		return false
	}
	classes, _ := charClasses(v)
	return classes >= 2
}

// secretShape: a key-like value (no spaces, key alphabet, mixed classes,
// enough distinct characters to not be a word or a placeholder).
func secretShape(v []byte) bool {
	if len(v) < 16 || len(v) > 512 || placeholder(v) {
		return false
	}
	if !allIn(v, func(c byte) bool {
		return isAlnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+' || c == '=' || c == ':' || c == '~'
	}) {
		return false
	}
	classes, distinct := charClasses(v)
	return classes >= 2 && distinct >= 10
}
