# The front door: each target installs what a fresh Debian machine lacks
# (.ci/install-deps, through sudo when not root), then runs.
.PHONY: demo test imports deps release regenerate

demo: deps
	swift run jackpotd demo --ingest

# Unit tests as parallel as Swift Testing likes; integration tests (daemons,
# loopback servers, child processes) at most one per core at a time, so a busy
# machine slows them down without starving one test's daemon behind another's.
# (Swift Testing's own flag; XCTest's --parallel/--num-workers do not apply.)
# Last, the library's public API against the latest v* release tag, if any.
test: deps imports release
	swift build --build-tests
	swift test --skip-build --filter JackpotKitTests
	swift test --skip-build --filter JackpotIntegrationTests --experimental-maximum-parallelization-width "$$(nproc)"
	.ci/check-api-breakage

# No project import without a use, and each target's dependencies exactly what
# its files import; seconds, no build (.ci/check-imports says how it decides).
imports: deps
	.ci/check-imports
	.ci/check-imports --self-test

# The binary Deploy/install.sh installs: the Swift runtime linked in, so a
# server needs libsqlite3, libcurl, libmicrohttpd and CA certificates, not the toolchain.
release: deps
	swift build -c release --static-swift-stdlib --product jackpotd --scratch-path .build-static

deps:
	.ci/install-deps

# Deploy/jackpotd.1 and Deploy/bash-completion/jackpotd are rendered from the
# command definitions that --help prints; a test fails while they are stale.
regenerate:
	swift build --product jackpotd
	"$$(swift build --show-bin-path)/jackpotd" --man-page > Deploy/jackpotd.1
	"$$(swift build --show-bin-path)/jackpotd" --bash-completion > Deploy/bash-completion/jackpotd
