package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/leakwatch/leakwatch/internal/event"
	"github.com/leakwatch/leakwatch/internal/probe"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// maxTimeMS bounds each command's work on the server.
const maxTimeMS = 10000

type explorer struct {
	ctx     context.Context
	env     *probe.Env
	c       *client
	ev      *event.Event
	ds      *event.Dataset
	colls   int
	sampled int
}

type dbInfo struct {
	name  string
	bytes int64
}

func (x *explorer) run() error {
	defer x.finish()
	lim := x.env.Limits
	r, err := x.c.command("admin", bsoncore.NewDocumentBuilder().
		AppendInt32("listDatabases", 1).AppendBoolean("nameOnly", false).Build())
	if err != nil {
		return fmt.Errorf("listDatabases: %w", err)
	}
	var dbs []dbInfo
	var total int64
	for _, d := range docs(r, "databases") {
		name := str(d, "name")
		if name == "" {
			continue
		}
		size, _ := number(d, "sizeOnDisk")
		dbs = append(dbs, dbInfo{name: name, bytes: size})
		total += max(size, 0)
	}
	if len(dbs) == 0 {
		// "ok: 1" with no databases is what an auth-enabled server tells an
		// unauthenticated client (the list is filtered by privileges): not open.
		return fmt.Errorf("listDatabases returned ok with an empty list (filtered by authorization): %w", probe.ErrAuthRequired)
	}
	x.ds = &event.Dataset{}
	if len(dbs) > lim.MaxContainers {
		dbs, x.ds.Truncated = dbs[:lim.MaxContainers], true
	}
	names := make([]string, 0, len(dbs))
	for _, d := range dbs {
		names = append(names, d.name)
	}
	x.ev.Status = event.StatusOpen
	x.ev.Dataset = x.ds
	x.ev.Access = event.Access{Anonymous: true, Level: event.AccessMetadata,
		Proof: fmt.Sprintf("listDatabases without credentials returned %d databases (%d bytes on disk): %s",
			len(dbs), total, strings.Join(head(names, 5), ", "))}
	for _, d := range dbs {
		// Database containers carry no counts: the collections do, and totals
		// must not count the same bytes twice.
		x.ds.Containers = append(x.ds.Containers, event.Container{Kind: "database", Name: d.name})
		x.indicate(d.name, "")
	}
	for _, d := range dbs {
		if x.ctx.Err() != nil || x.colls >= lim.MaxContainers {
			x.ds.Truncated = true
			break
		}
		if err := x.database(d.name); err != nil {
			x.ev.Errors = append(x.ev.Errors, fmt.Sprintf("database %s: %v", d.name, err))
			if serverSide(err) != nil {
				return err // the connection is unusable (timeout, too large, malformed)
			}
		}
	}
	return nil
}

// finish upgrades the proof once content was read, also when an error cut
// the inventory short.
func (x *explorer) finish() {
	if x.sampled > 0 && x.ev.Status == event.StatusOpen {
		x.ev.Access.Level = event.AccessData
		x.ev.Access.Proof += fmt.Sprintf("; read %d documents from %d collections", x.sampled, x.colls)
	}
}

// database lists one database's collections (a single batch, bounded by
// the container limit; no getMore) and inventories each.
func (x *explorer) database(db string) error {
	left := x.env.Limits.MaxContainers - x.colls
	r, err := x.c.command(db, bsoncore.NewDocumentBuilder().
		AppendInt32("listCollections", 1).
		AppendBoolean("authorizedCollections", true).
		AppendDocument("cursor", bsoncore.NewDocumentBuilder().AppendInt32("batchSize", int32(left)).Build()).
		Build())
	if err != nil {
		return fmt.Errorf("listCollections: %w", err)
	}
	if id, _ := number(r, "cursor", "id"); id != 0 {
		x.ds.Truncated = true
	}
	colls := docs(r, "cursor", "firstBatch")
	if len(colls) > left {
		colls, x.ds.Truncated = colls[:left], true
	}
	for _, cd := range colls {
		if x.ctx.Err() != nil {
			return x.ctx.Err()
		}
		name := str(cd, "name")
		if name == "" {
			continue
		}
		cc := event.Container{Kind: "collection", Name: name, Parent: db}
		x.indicate(db, name)
		if typ := str(cd, "type"); typ == "" || typ == "collection" {
			if err := x.collection(db, &cc); err != nil {
				if serverSide(err) != nil {
					return err
				}
				x.ev.Errors = append(x.ev.Errors, fmt.Sprintf("collection %s.%s: %v", db, name, err))
			}
		}
		x.ds.Containers = append(x.ds.Containers, cc)
		x.colls++
	}
	return nil
}

// collection fills counts, the oldest ObjectId time and samples.
func (x *explorer) collection(db string, cc *event.Container) error {
	lim := x.env.Limits
	if r, err := x.c.command(db, bsoncore.NewDocumentBuilder().AppendString("collStats", cc.Name).Build()); err == nil {
		if n, ok := number(r, "count"); ok && n >= 0 { // a lying server's negative counts are dropped
			cc.Documents = event.Int64(n)
		}
		if n, ok := number(r, "size"); ok && n >= 0 {
			cc.Bytes = event.Int64(n)
		}
	} else if serverSide(err) != nil {
		return err
	}
	if cc.Documents == nil { // collStats is missing on some servers and versions
		r, err := x.c.command(db, bsoncore.NewDocumentBuilder().AppendString("count", cc.Name).
			AppendInt32("maxTimeMS", maxTimeMS).Build())
		if err != nil {
			return err
		}
		if n, ok := number(r, "n"); ok && n >= 0 {
			cc.Documents = event.Int64(n)
		}
	}
	// The oldest _id: the _id index makes this cheap, and an ObjectId embeds
	// its creation second, a lower bound for how old the data is.
	first, err := x.find(db, cc.Name, 1, true)
	if err != nil {
		return err
	}
	if len(first) == 1 {
		if t, ok := objectIDTime(first[0].Lookup("_id")); ok {
			cc.Oldest = &t
		}
	}
	if lim.Sample <= 0 || isSystem(db, cc.Name) {
		return nil
	}
	batch, err := x.find(db, cc.Name, lim.Sample, false)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, d := range batch {
		js, err := relaxedJSON(d)
		if err != nil {
			continue
		}
		format := "json"
		if len(js) > lim.MaxSampleBytes {
			js, format = js[:lim.MaxSampleBytes], "text" // a cut document is no longer JSON
		}
		cc.Samples = append(cc.Samples, event.Sample{Key: idString(d), Format: format, Data: js})
		if elems, err := d.Elements(); err == nil {
			for _, e := range elems {
				if k := e.Key(); !seen[k] && len(cc.Fields) < lim.MaxFields {
					seen[k] = true
					cc.Fields = append(cc.Fields, k)
				}
			}
		}
	}
	cc.Sampled = len(cc.Samples)
	x.sampled += cc.Sampled
	return nil
}

// find reads at most n documents in one batch (singleBatch: the server
// closes the cursor, so no getMore ever follows). oldestID sorts by _id and
// projects only _id.
func (x *explorer) find(db, coll string, n int, oldestID bool) ([]bsoncore.Document, error) {
	b := bsoncore.NewDocumentBuilder().AppendString("find", coll).
		AppendDocument("filter", bsoncore.NewDocumentBuilder().Build()).
		AppendInt64("limit", int64(n)).AppendInt64("batchSize", int64(n)).
		AppendBoolean("singleBatch", true).AppendInt32("maxTimeMS", maxTimeMS)
	if oldestID {
		b = b.AppendDocument("sort", bsoncore.NewDocumentBuilder().AppendInt32("_id", 1).Build()).
			AppendDocument("projection", bsoncore.NewDocumentBuilder().AppendInt32("_id", 1).Build())
	}
	r, err := x.c.command(db, b.Build())
	if err != nil {
		return nil, err
	}
	out := docs(r, "cursor", "firstBatch")
	if len(out) > n { // a server that ignores limit does not get to fill memory
		out = out[:n]
	}
	return out, nil
}

// serverSide returns nil for a command's ok: 0 reply (the connection goes
// on) and err for anything that leaves the connection unusable.
func serverSide(err error) error {
	var ce *commandError
	if errors.As(err, &ce) {
		return nil
	}
	return err
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
