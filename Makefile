# The front door: each target installs what a fresh Debian machine lacks
# (.ci/install-deps, through sudo when not root), then runs.
.PHONY: demo test deps

demo: deps
	swift run jackpotd demo

test: deps
	swift test

deps:
	.ci/install-deps
