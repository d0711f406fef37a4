# The front door: each target installs what a fresh Debian machine lacks
# (.ci/install-deps, through sudo when not root), then runs.
.PHONY: demo test lint format warnings imports deps release regenerate

# jackpotd demo runs its simulated wallets in jackpotd-demo-wallets, beside it.
demo: deps
	swift build --product jackpotd-demo-wallets
	swift run jackpotd demo --ingest

# Unit tests as parallel as Swift Testing likes; integration tests (daemons,
# loopback servers, child processes) at most one per core at a time, so a busy
# machine slows them down without starving one test's daemon behind another's.
# (Swift Testing's own flag; XCTest's --parallel/--num-workers do not apply.)
#
# It checks the formatting first (make lint) and the imports by their names
# (make imports), then builds every target of Sources/ as the release binary is
# built with warnings as errors (make warnings; the tree has none, and this
# keeps it so), then the release binary with the same flags, so that step only
# links. After the debug build, the imports again by the compiler's index of it.
# Last, the library's public API against the latest v* release tag, if any.
test: RELEASE_FLAGS = $(WARNINGS_AS_ERRORS)
test: lint imports deps warnings release
	swift build --build-tests
	.ci/check-imports --require-index
	swift test --skip-build --filter JackpotKitTests
	swift test --skip-build --filter JackpotIntegrationTests --experimental-maximum-parallelization-width "$$(nproc)"
	.ci/check-api-breakage

# No project import without a use, and each target's dependencies exactly what
# its files import; seconds. It reads the compiler's index when a debug build
# left one, else the names (.ci/check-imports says how it decides).
imports: deps
	.ci/check-imports
	.ci/check-imports --self-test

# The binary Deploy/install.sh installs: the Swift runtime linked in, so a
# server needs libsqlite3, libcurl, libmicrohttpd and CA certificates, not the toolchain.
# It carries no simulated operator: OperatorSimulator's mangled module name
# (17OperatorSimulator) is in none of its symbols, while JackpotCLI's are there
# to be found (so a stripped binary cannot pass by showing nothing).
release: deps
	swift build -c release --static-swift-stdlib --product jackpotd --scratch-path .build-static $(RELEASE_FLAGS)
	@nm .build-static/release/jackpotd | grep -q '10JackpotCLI' \
	    || { echo "make release: no JackpotCLI symbols in .build-static/release/jackpotd to check" >&2; exit 1; }
	@! nm .build-static/release/jackpotd | grep -q '17OperatorSimulator' \
	    || { echo "make release: .build-static/release/jackpotd links OperatorSimulator; only jackpotd-demo-wallets may" >&2; exit 1; }

deps:
	.ci/install-deps

# The house style is .swift-format (the toolchain's swift format); test checks it
# first, before anything is built.
SWIFT_FORMAT_PATHS = Sources Tests Package.swift

lint:
	@swift format lint --strict --recursive --parallel $(SWIFT_FORMAT_PATHS) \
	    || { echo "make lint: the findings above differ from the house style (.swift-format)." >&2; \
	         echo "Run 'make format' to rewrite the files in place, then fix by hand what it still reports (such as a .forEach the linter wants as a for-in loop)." >&2; \
	         exit 1; }

format:
	swift format format --in-place --recursive --parallel $(SWIFT_FORMAT_PATHS)

# Every target of Sources/ built as the release binary is, a warning an error:
# the two executables between them depend on all of them (a build of all
# targets would include Tests/TestSupport, which needs Testing). make release
# alone stays lenient, so that a newer toolchain's new warning does not stop an
# install.
WARNINGS_AS_ERRORS = -Xswiftc -warnings-as-errors

warnings: deps
	swift build -c release --static-swift-stdlib --product jackpotd-bench --scratch-path .build-static $(WARNINGS_AS_ERRORS)
	swift build -c release --static-swift-stdlib --product jackpotd --scratch-path .build-static $(WARNINGS_AS_ERRORS)

# Deploy/jackpotd.1 and Deploy/bash-completion/jackpotd are rendered from the
# command definitions that --help prints; a test fails while they are stale.
regenerate:
	swift build --product jackpotd
	"$$(swift build --show-bin-path)/jackpotd" --man-page > Deploy/jackpotd.1
	"$$(swift build --show-bin-path)/jackpotd" --bash-completion > Deploy/bash-completion/jackpotd
