# The front door: each target installs what a fresh Debian machine lacks
# (.ci/install-deps, through sudo when not root), then runs.
.PHONY: demo test deps release

demo: deps
	swift run jackpotd demo

test: deps release
	swift test

# The binary Deploy/install.sh installs: the Swift runtime linked in, so a
# server needs libsqlite3, libcurl and CA certificates, not the toolchain.
release: deps
	swift build -c release --static-swift-stdlib --product jackpotd --scratch-path .build-static

deps:
	.ci/install-deps
