import Foundation
import Testing

@testable import Disbursement

/// Cron mails whatever a job prints, so a night run without a terminal says nothing but
/// warnings; on a terminal the operator sees each long phase start and finish.
@Suite("progress on a terminal")
struct ProgressTests {
    @Test func quietUnderCronAndEachPhaseOnATerminal() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 500, seed: 3)

        let cron = try env.cli("run", "--date", "2020-06-01", "--dry-run")
        #expect(cron.status == 0, "\(cron.stderr)")
        #expect(!cron.stderr.contains("done in") && !cron.stderr.contains("virtual accounts…"), "\(cron.stderr)")

        // script(1) gives the run a pseudo-terminal, as an operator's shell would.
        let command = ([try CLI.executable.path, "run", "--date", "2020-06-01"]).map { "'\($0)'" }.joined(separator: " ")
        let variables = env.cliEnvironment.map { "\($0.key)=\($0.value)" }
        let terminal = try Shell.run("/usr/bin/env", variables + ["/usr/bin/script", "-qec", command, "/dev/null"])
        #expect(terminal.status == 0, "\(terminal.stdout)\(terminal.stderr)")
        for phase in ["members", "virtual accounts", "entitlements", "holds and payouts"] {
            #expect(terminal.stdout.contains("\(phase)…"), "\(phase) start missing: \(terminal.stdout)")
            #expect(terminal.stdout.contains("\(phase) done in"), "\(phase) end missing")
        }
        #expect(terminal.stdout.contains("Files of 2020-06-01 are complete"))
    }
}
