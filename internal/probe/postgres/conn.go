package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/netio"
	"github.com/leakwatch/leakwatch/internal/probe"
)

// maxColumns bounds the columns of one result row we accept.
const maxColumns = 1600 // PostgreSQL's own limit per table

// conn is one logged-in (trust) session.
type conn struct {
	nc     *netio.Conn
	max    int64
	params map[string]string
}

// authRequest is what the server answered to the startup message.
type authRequest struct {
	code  uint32
	mechs []string
	err   *serverError // the server refused the startup (role, database, pg_hba)
}

// loginError says the server wants credentials or refused the session.
type loginError struct {
	user, db string
	auth     authRequest
}

func (e *loginError) Error() string {
	if e.auth.err != nil {
		return fmt.Sprintf("postgres: user %q database %q refused: %s %s", e.user, e.db, e.auth.err.Code, e.auth.err.Message)
	}
	m := authName(e.auth.code)
	if len(e.auth.mechs) > 0 {
		m += " (" + strings.Join(e.auth.mechs, ", ") + ")"
	}
	return fmt.Sprintf("postgres: server requests %s authentication for user %q", m, e.user)
}

// Unwrap makes a password request or an access refusal an ErrAuthRequired;
// a missing database or role is not (the caller may try another).
func (e *loginError) Unwrap() error {
	if e.auth.err != nil && !isAccessCode(e.auth.err.Code) {
		return nil
	}
	return probe.ErrAuthRequired
}

// isAccessCode: 28000 invalid authorization (pg_hba, role), 28P01 bad password.
func isAccessCode(code string) bool { return code == "28000" || code == "28P01" }

// startup sends the startup message and reads the server's first answer.
// It never answers a password request: the connection is closed instead.
func startup(ctx context.Context, env *probe.Env, t probe.Target, user, db string) (*netio.Conn, authRequest, error) {
	nc, err := env.Dial(ctx, t)
	if err != nil {
		return nil, authRequest{}, err
	}
	params := [][2]string{{"user", user}, {"database", db}, {"application_name", "leakwatch"}}
	if user == "" { // no user at all, not an empty one: see Identify
		params = params[2:]
	}
	if _, err := nc.Write(startupMessage(params)); err != nil {
		nc.Close()
		return nil, authRequest{}, err
	}
	m, err := readMessage(nc, min(env.Limits.MaxResponse, 64<<10))
	if err != nil {
		nc.Close()
		return nil, authRequest{}, err
	}
	switch m.typ {
	case 'R':
		code, mechs, err := parseAuth(m.body)
		if err != nil {
			nc.Close()
			return nil, authRequest{}, err
		}
		return nc, authRequest{code: code, mechs: mechs}, nil
	case 'E':
		se, err := parseError(m.body)
		nc.Close()
		if err != nil {
			return nil, authRequest{}, err
		}
		return nil, authRequest{err: se}, nil
	}
	nc.Close()
	return nil, authRequest{}, probe.Protocolf("postgres: unexpected first message %q", m.typ)
}

// connect logs in without a password (trust authentication only) and waits
// for ReadyForQuery. Any password request ends in a *loginError.
func connect(ctx context.Context, env *probe.Env, t probe.Target, user, db string) (*conn, error) {
	nc, ar, err := startup(ctx, env, t, user, db)
	if err != nil {
		return nil, err
	}
	if ar.err != nil || ar.code != authOK {
		if nc != nil {
			nc.Close()
		}
		return nil, &loginError{user: user, db: db, auth: ar}
	}
	c := &conn{nc: nc, max: env.Limits.MaxResponse, params: map[string]string{}}
	for i := 0; ; i++ {
		if i > 1000 {
			c.nc.Close()
			return nil, probe.Protocolf("postgres: no ReadyForQuery after %d messages", i)
		}
		m, err := readMessage(c.nc, c.max)
		if err != nil {
			c.nc.Close()
			return nil, err
		}
		switch m.typ {
		case 'S':
			k, v, err := parseParameterStatus(m.body)
			if err == nil && len(c.params) < 64 {
				c.params[k] = v
			}
		case 'E':
			se, err := parseError(m.body)
			c.nc.Close()
			if err != nil {
				return nil, err
			}
			return nil, se
		case 'Z':
			return c, nil
		}
	}
}

// result is one simple-query result set (text format).
type result struct {
	cols      []string
	rows      [][]*string
	truncated bool // rows beyond maxRows were read and dropped
}

// query runs one statement with the simple query protocol and keeps at most
// maxRows rows. A server error is returned after ReadyForQuery, so the
// session stays usable (the caller rolls back).
func (c *conn) query(sql string, maxRows int) (*result, error) {
	if _, err := c.nc.Write(queryMessage(sql)); err != nil {
		return nil, err
	}
	res := &result{}
	var qerr error
	for {
		m, err := readMessage(c.nc, c.max)
		if err != nil {
			return nil, err
		}
		switch m.typ {
		case 'T':
			if res.cols, err = parseRowDescription(m.body, maxColumns); err != nil {
				return nil, err
			}
		case 'D':
			row, err := parseDataRow(m.body, maxColumns)
			if err != nil {
				return nil, err
			}
			if len(res.rows) >= maxRows {
				res.truncated = true
				continue
			}
			res.rows = append(res.rows, row)
		case 'E':
			se, err := parseError(m.body)
			if err != nil {
				return nil, err
			}
			qerr = se
		case 'Z':
			return res, qerr
		case 'C', 'I', 'N', 'S', 'A': // complete, empty, notice, parameter, notification
		default:
			return nil, probe.Protocolf("postgres: unexpected message %q during query", m.typ)
		}
	}
}

// exec runs a statement whose rows do not matter.
func (c *conn) exec(sql string) error { _, err := c.query(sql, 0); return err }

// close sends Terminate and closes the connection.
func (c *conn) close() {
	_, _ = c.nc.Write(frontendMessage('X', nil))
	c.nc.Close()
}

// isServerError reports whether err is a server ErrorResponse with a code.
func isServerError(err error, code string) bool {
	var se *serverError
	return errors.As(err, &se) && se.Code == code
}
