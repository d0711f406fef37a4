#if canImport(Glibc)
import Glibc
#endif
import OperatorSimulator

// `jackpotd demo`'s two simulated operator wallets, in a process of their own so
// that the shipped `jackpotd` carries no simulator (scripted answers, injected
// faults, the gzip bomb). The demo starts this program beside itself and talks
// to it over its stdin and stdout, one line at a time:
//
//   it prints   wallet NAME URL SECRET     for each wallet, then   ready
//   on counts   counts NAME REQUESTS CREDITED DUPLICATES HASH_FAILURES   for each, then   end
//
// It stops its wallets and exits when its stdin closes, so it never outlives the demo.

let healthy = try ScriptedOperator(secret: "demo-secret-healthy")
let flaky = try ScriptedOperator(secret: "demo-secret-flaky", numericTransactionIds: true)
flaky.setFaultPlan { number in
    switch number % 10 {
    case 1: .resetBeforeAnswer
    case 4: .status(503, body: "{\"error\":1,\"description\":\"maintenance\"}")
    case 7: .creditThenReset
    default: nil
    }
}
let wallets = [("healthy-casino", healthy, "demo-secret-healthy"), ("flaky-casino", flaky, "demo-secret-flaky")]

for (name, wallet, secret) in wallets { print("wallet \(name) \(wallet.url) \(secret)") }
print("ready")
fflush(nil)
while let line = readLine() {
    guard line == "counts" else {
        let complaint = "jackpotd-demo-wallets: unknown request \(line.debugDescription)\n"
        _ = complaint.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
        continue
    }
    for (name, wallet, _) in wallets {
        let books = wallet.snapshot
        print("counts \(name) \(books.requests) \(books.credited) \(books.duplicates) \(books.hashFailures)")
    }
    print("end")
    fflush(nil)
}
healthy.stop()
flaky.stop()
