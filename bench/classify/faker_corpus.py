#!/usr/bin/env python3
"""An independent labelled corpus made with Faker (pip install faker==40.54.0).

The Go generator (corpus.go) was written with the detectors in mind; this
one uses Faker's own formats for phones (many locales, extensions), cards
(all networks), IBANs, SSNs, e-mails, addresses, hostnames and lorem-ipsum
text, so it checks the detectors against data they were not written for.

    python3 bench/classify/faker_corpus.py -n 20000 -o /tmp/faker.jsonl
    go run ./bench/classify/cmd/classifybench -corpus /tmp/faker.jsonl

It writes FILE (JSON Lines) and FILE.labels.jsonl, the format that
classifybench -out writes and -corpus reads.
"""
import argparse
import hashlib
import json
import random

from faker import Faker

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("-o", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    random.seed(args.seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(args.seed + i)

    with open(args.o, "w") as out, open(args.o + ".labels.jsonl", "w") as lab:
        for line in range(1, args.n + 1):
            loc = random.choice(LOCALES)
            f = fakers[loc]
            doc, labels = random.choice([person, message, server, order])(f, loc)
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            lab.write(json.dumps({"line": line, "labels": [{"field": k, "type": t} for k, t in labels]}) + "\n")


def person(f, loc):
    doc = {
        "name": f.name(),
        "email": f.email(),
        "phone": f.phone_number(),
        "address": f.address(),
        "job": f.job(),
        "company": f.company(),
        "birthdate": f.date_of_birth().isoformat(),
        "username": f.user_name(),
        "password": f.password(length=12),
        "iban": f.iban(),
    }
    labels = [("email", "email"), ("phone", "phone"), ("username", "username"), ("password", "password"), ("iban", "iban")]
    if loc == "en_US":
        doc["ssn"] = f.ssn()
        labels.append(("ssn", "ssn"))
    if random.random() < 0.5:
        doc["credit_card"] = {"number": f.credit_card_number(), "expire": f.credit_card_expire(), "security_code": f.credit_card_security_code()}
        labels.append(("credit_card.number", "credit_card"))
    return doc, labels


def message(f, loc):
    doc = {
        "from": f.phone_number(),
        "to": f.msisdn() if random.random() < 0.3 else f.phone_number(),
        "text": f.sentence(nb_words=12),
        "sent_at": f.iso8601(),
        "status": random.choice(["delivered", "failed", "queued"]),
    }
    labels = [("from", "phone"), ("to", "phone"), ("text", "message_content")]
    return doc, labels


def server(f, loc):
    doc = {
        "hostname": f.hostname(),
        "private_ip": f.ipv4_private(),
        "public_ip": f.ipv4_public(),
        "mac": f.mac_address(),
        "uuid": f.uuid4(),
        "url": f.url(),
        "user_agent": f.user_agent(),
        "checksum": f.sha256(),
        "password_sha256": hashlib.sha256(f.password().encode()).hexdigest(),
        "admin_email": f.company_email(),
    }
    labels = [("private_ip", "private_ip"), ("password_sha256", "password_hash"), ("admin_email", "email")]
    return doc, labels


def order(f, loc):
    doc = {
        "order_id": str(f.random_number(digits=16, fix_len=True)),
        "ean13": f.ean13(),
        "isbn13": f.isbn13(),
        "amount": float(f.pyfloat(left_digits=4, right_digits=2, positive=True)),
        "swift": f.swift(),
        "bban": f.bban(),
        "created": f.iso8601(),
        "comment": f.paragraph(nb_sentences=3),
        "shipping_address": f.address(),
    }
    labels = [("comment", "message_content")]
    return doc, labels


if __name__ == "__main__":
    main()
