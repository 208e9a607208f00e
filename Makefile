# The two commands README.md promises: `make demo` and `make test`.
GO ?= go
BIN := bin/leakwatch

.PHONY: build demo test unit lab-up lab-down fuzz bench

build:
	$(GO) build -o $(BIN) ./cmd/leakwatch

# Build, start the lab, scan the lab's addresses on the default ports.
demo: build
	lab/lab.sh up
	$(BIN) scan 127.77.1.0/24 127.77.2.0/24 127.77.3.0/24 --db lab/run/demo.db; test $$? -le 1

# All tests, starting the real servers they need (CI runs exactly this).
test:
	scripts/test.sh

# Tests without the lab (lab tests skip).
unit:
	$(GO) test -count=1 ./...

lab-up:
	lab/lab.sh up
lab-down:
	lab/lab.sh down

fuzz:
	FUZZTIME=$${FUZZTIME:-30s} scripts/fuzz.sh
