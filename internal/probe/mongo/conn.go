package mongo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// commandError is a command reply with ok: 0.
type commandError struct {
	Code     int64
	CodeName string
	Message  string
}

func (e *commandError) Error() string {
	return fmt.Sprintf("mongodb: command failed: (%s %d) %s", e.CodeName, e.Code, e.Message)
}

// Unwrap makes "requires authentication" replies an ErrAuthRequired.
func (e *commandError) Unwrap() error {
	if e.authRequired() {
		return probe.ErrAuthRequired
	}
	return nil
}

// authRequired: Unauthorized (13), AuthenticationFailed (18), or the text
// servers put in errmsg when the code is missing (old versions).
func (e *commandError) authRequired() bool {
	m := strings.ToLower(e.Message)
	return e.Code == 13 || e.Code == 18 || e.CodeName == "Unauthorized" ||
		strings.Contains(m, "requires authentication") || strings.Contains(m, "not authorized") ||
		strings.Contains(m, "unauthorized")
}

// client is one connection to a MongoDB-wire server.
type client struct {
	nc    *netio.Conn
	reqID int32
	opMsg bool // the server speaks OP_MSG (wire version ≥ 6)
	// secondary: a replica-set secondary, which serves reads only when the
	// command carries a read preference (OP_MSG) or the SecondaryOK flag.
	secondary bool
	max       int64
	maxDepth  int
}

func dial(ctx context.Context, env *probe.Env, t probe.Target) (*client, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	return &client{nc: nc, max: env.Limits.MaxResponse, maxDepth: max(env.Limits.MaxDepth, 4)}, nil
}

func (c *client) close() { c.nc.Close() }

// hello is the handshake: isMaster over OP_QUERY, which every server version
// answers (MongoDB ≥ 5.1 removed OP_QUERY except for exactly this), carrying
// the client metadata that names leakwatch in the server's log.
func (c *client) hello() (bsoncore.Document, error) {
	meta := bsoncore.NewDocumentBuilder().
		AppendDocument("application", bsoncore.NewDocumentBuilder().AppendString("name", "leakwatch").Build()).
		AppendDocument("driver", bsoncore.NewDocumentBuilder().
			AppendString("name", "leakwatch").AppendString("version", probe.UserAgent).Build()).
		AppendDocument("os", bsoncore.NewDocumentBuilder().AppendString("type", runtime.GOOS).Build()).
		Build()
	cmd := bsoncore.NewDocumentBuilder().AppendInt32("isMaster", 1).AppendBoolean("helloOk", true).
		AppendDocument("client", meta).Build()
	c.reqID++
	doc, err := c.roundTrip(opQueryMessage(c.reqID, "admin.$cmd", 0, cmd))
	if err != nil {
		return nil, err
	}
	if err := checkOK(doc); err != nil {
		return nil, err
	}
	_, isMaster := doc.Lookup("ismaster").BooleanOK()
	_, writable := doc.Lookup("isWritablePrimary").BooleanOK()
	wire, hasWire := number(doc, "maxWireVersion")
	if !(isMaster || writable) || !hasWire {
		return nil, probe.Protocolf("mongodb: handshake reply is not an isMaster reply")
	}
	c.opMsg = wire >= 6
	c.secondary, _ = doc.Lookup("secondary").BooleanOK()
	return doc, nil
}

// command runs cmd against db and returns the reply, or a *commandError.
func (c *client) command(db string, cmd bsoncore.Document) (bsoncore.Document, error) {
	c.reqID++
	var msg []byte
	if c.opMsg {
		// OP_MSG names the database inside the command ($db).
		withDB := make([]byte, 0, len(cmd)+len(db)+16)
		withDB = append(withDB, cmd[:len(cmd)-1]...) // drop the terminating 0
		withDB = bsoncore.AppendStringElement(withDB, "$db", db)
		if c.secondary {
			withDB = bsoncore.AppendDocumentElement(withDB, "$readPreference",
				bsoncore.NewDocumentBuilder().AppendString("mode", "secondaryPreferred").Build())
		}
		withDB = append(withDB, 0)
		bsoncore.UpdateLength(withDB, 0, int32(len(withDB)))
		msg = opMsgMessage(c.reqID, withDB)
	} else {
		msg = opQueryMessage(c.reqID, db+".$cmd", queryFlagSecondaryOK, cmd)
	}
	doc, err := c.roundTrip(msg)
	if err != nil {
		return nil, err
	}
	return doc, checkOK(doc)
}

func (c *client) roundTrip(msg []byte) (bsoncore.Document, error) {
	if _, err := c.nc.Write(msg); err != nil {
		return nil, err
	}
	op, to, body, err := readReply(c.nc, c.max)
	if err != nil {
		return nil, err
	}
	if to != c.reqID {
		return nil, probe.Protocolf("mongodb: reply to request %d, want %d", to, c.reqID)
	}
	switch op {
	case opMsg:
		return parseOpMsg(body, c.maxDepth)
	case opReply:
		return parseOpReply(body, c.maxDepth)
	}
	return nil, probe.Protocolf("mongodb: reply opcode %d", op)
}

// checkOK turns ok: 0 into a *commandError.
func checkOK(doc bsoncore.Document) error {
	v, err := doc.LookupErr("ok")
	if err != nil {
		return probe.Protocolf("mongodb: reply without ok")
	}
	if ok, isNum := v.AsFloat64OK(); isNum && ok == 1 {
		return nil
	}
	if b, isBool := v.BooleanOK(); isBool && b {
		return nil
	}
	code, _ := number(doc, "code")
	return &commandError{Code: code, CodeName: str(doc, "codeName"), Message: truncate(str(doc, "errmsg"), 300)}
}

// isAuthError reports whether err says the server wants credentials.
func isAuthError(err error) bool { return errors.Is(err, probe.ErrAuthRequired) }
