// Command seed fills a lab FerretDB (MongoDB wire protocol) with leak-shaped
// FAKE data for the mongodb probe's tests. It is lab tooling, not part of
// leakwatch: it writes, which a probe never does.
//
//	seed -uri mongodb://127.77.1.6:27017/ [-ransom]
//
// smsgw.messages gets ObjectIds built here from a known base time, so the
// tests can assert the oldest ObjectId timestamp the probe reports.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Counts and the base time the tests assert (published by up.sh).
const (
	messages  = 1000
	customers = 50
	configs   = 3
)

var oldest = time.Date(2019, 3, 1, 8, 0, 0, 0, time.UTC)

// objectID builds an ObjectId for second t with a fixed machine part and counter i.
func objectID(t time.Time, i int) bson.ObjectID {
	var id bson.ObjectID
	binary.BigEndian.PutUint32(id[0:4], uint32(t.Unix()))
	copy(id[4:9], []byte{0x1e, 0xa4, 0x77, 0x00, 0x06})
	id[9], id[10], id[11] = byte(i>>16), byte(i>>8), byte(i)
	return id
}

func main() {
	uri := flag.String("uri", "", "mongodb URI")
	ransom := flag.Bool("ransom", false, "also create a ransom-note database")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := mongo.Connect(options.Client().ApplyURI(*uri).SetAppName("leakwatch-lab-seed"))
	if err != nil {
		log.Fatal(err)
	}
	defer cl.Disconnect(ctx)
	db := cl.Database("smsgw")

	msgs := make([]any, 0, messages)
	for i := range messages {
		// Inserted newest first, so "oldest" is not simply the first insert.
		k := messages - 1 - i
		msgs = append(msgs, bson.D{
			{Key: "_id", Value: objectID(oldest.Add(time.Duration(k)*time.Hour), k)},
			{Key: "to", Value: fmt.Sprintf("+1555%07d", 2000000+k)},
			{Key: "body", Value: fmt.Sprintf("Your code is %06d", (k*7919)%1000000)},
			{Key: "email", Value: fmt.Sprintf("user%d@example.com", k)},
			{Key: "status", Value: "delivered"},
		})
	}
	must(db.Collection("messages").InsertMany(ctx, msgs))

	cust := make([]any, 0, customers)
	for i := range customers {
		cust = append(cust, bson.D{
			{Key: "name", Value: fmt.Sprintf("Customer %d", i)},
			{Key: "email", Value: fmt.Sprintf("customer%d@example.com", i)},
			{Key: "phone", Value: fmt.Sprintf("+1555%07d", 3000000+i)},
			{Key: "legacy_card", Value: "4111111111111111"},
		})
	}
	must(db.Collection("customers").InsertMany(ctx, cust))

	must(db.Collection("config").InsertMany(ctx, []any{
		bson.D{{Key: "key", Value: "db_password"}, {Key: "value", Value: "Hunter42!prod"}, {Key: "host", Value: "db01.corp.internal"}},
		bson.D{{Key: "key", Value: "stripe_api_key"}, {Key: "value", Value: "sk_live_FAKE51Hq8xTestKey0000000000"}},
		bson.D{{Key: "key", Value: "smpp_url"}, {Key: "value", Value: "smpp://gw:S3cretPass@smpp01.corp.internal:2775"}},
	}))

	if *ransom {
		must(cl.Database("READ_ME_TO_RECOVER_YOUR_DATA").Collection("README").InsertOne(ctx, bson.D{
			{Key: "content", Value: "All your data is backed up. You must pay 0.01 BTC to FAKEADDRESS to recover it."},
		}))
	}
}

func must[T any](_ T, err error) {
	if err != nil {
		log.Fatal(err)
	}
}
