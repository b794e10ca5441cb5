# Provider Portal. The two commands: `make run` and `make test`.
.PHONY: run test assets build bench vet fmt clean-dev

GO ?= go
# Flags for the load benchmark, e.g. make bench LOADBENCH_FLAGS=--quick (see go run ./cmd/loadbench -h).
LOADBENCH_FLAGS ?=
ASSETS := static/dist/portal.css

run: $(ASSETS) ## build the front end, start PostgreSQL under ./var if needed, serve on :8080
	$(GO) run ./cmd/portal dev

test: $(ASSETS) ## vet, then every test with the race detector, against real PostgreSQL and Chromium
	$(GO) vet ./...
	$(GO) test -race -timeout 30m ./...

build: $(ASSETS) ## the portal binary in bin/
	$(GO) build -trimpath -o bin/portal ./cmd/portal

bench: $(ASSETS) ## benchmarks (speed targets live here, never in tests): Go benchmarks, then the load benchmark
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...
	$(GO) run ./cmd/loadbench $(LOADBENCH_FLAGS)

assets: $(ASSETS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(ASSETS): node_modules/.package-lock.json scripts/build-assets.mjs $(wildcard static/src/*.scss) $(wildcard static/js/*.js)
	npm run build

fmt:
	gofmt -l -w cmd internal *.go

clean-dev: ## delete the development database and key (asks no questions)
	rm -rf var
