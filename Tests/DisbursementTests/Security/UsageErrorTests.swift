import Foundation
import Testing

/// ArgumentParser's own errors quote what was typed; they pass through the redaction too.
@Suite("usage errors")
struct UsageErrorTests {
    @Test(arguments: [
        (["migrate", "postgresql://postgres:S3cretA@/postgres?host=/tmp"], "S3cretA"),
        (["run", "host=db password=Hunter2x"], "Hunter2x"),
        (["report", "summary", "--bogus=postgresql://job:Pw0rdQ@db/x"], "Pw0rdQ"),
        (["migrate", "3201000000000110"], "320100000000"),
    ])
    func aStrayArgumentIsMasked(_ arguments: [String], _ secret: String) throws {
        let result = try CLI.run(arguments, environment: [:])
        #expect(result.status == 64, "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(secret), "\(result.stderr)")
        #expect(result.stderr.contains("Error"))
    }

    @Test func helpStillPrints() throws {
        let result = try CLI.run(["--help"], environment: [:])
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE") || result.stdout.contains("Usage"), "\(result.stdout)")
        #expect(result.stdout.contains("64 usage"))
        let sub = try CLI.run(["migrate", "--help"], environment: [:])
        #expect(sub.status == 0)
        #expect(sub.stdout.contains("--database-url"))
    }
}
