import Testing
import JackpotCLI
import TestSupport

/// `demo --ingest` (what `make demo` runs): a win posted over HTTP is accepted,
/// delivered with the others, and read back as delivered.
@Suite(.timeLimit(.minutes(5)), .oneTestPerCore) struct DemoIngestTests {
    @Test func aWinArrivesOverHTTPAndIsReadBackDelivered() async {
        let result = await runCLI(["demo", "--wins", "6", "--ingest"])
        #expect(result.code == .success, "\(result.output)\(result.errors)")
        #expect(result.output.contains(#"201 {"result":"accepted","reference":"demo-http-"#), "\(result.output)")
        #expect(result.output.contains(#""state":"delivered""#), "\(result.output)")
        #expect(result.output.contains("delivered      7 of 7"), "\(result.output)")
    }
}
