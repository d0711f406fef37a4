// The library product's module: what a game platform imports to enqueue wins
// from Swift (`import JackpotOutbox`). The enqueue API lives where the daemon
// uses it — `Outbox` and `NewWin` in JackpotStore, `JackpotWin` and
// `DecimalAmount` in JackpotWire — and what those two modules declare `public`
// is that API and nothing else (the rest is `package`, invisible outside this
// package), so re-exporting them is exactly the library's public face.
@_exported import JackpotStore
@_exported import JackpotWire
