import ArgumentParser
import Disbursement
import Foundation

@main
struct Disburse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disburse",
        abstract: "Pays the participants of the pre-employment programme: VAs, nightly batches, reconciliation, reports.",
        discussion: """
            Exit codes: 0 done, 1 unexpected failure (nothing half-written), 3 reconcile finished with exceptions,
            64 usage, 65 input invalid, 69 database unavailable, 75 another run holds the lock, 78 configuration invalid.
            """,
        version: ToolVersion.current,
        subcommands: [
            MigrateCommand.self, RunCommand.self, ReconcileCommand.self, ResolveCommand.self, ReportCommand.self,
            VACommand.self, VerifyCommand.self, ApproveCommand.self, RejectCommand.self, DeliverCommand.self,
            CollectCommand.self, ParticipantCommand.self,
        ]
    )

    /// ArgumentParser echoes a stray argument whole ("Unexpected argument 'postgresql://u:PW@…'"),
    /// so every message it would print on an error goes through the credential redaction first.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(redacting: error)
        }
    }

    private static func exit(redacting error: any Error) -> Never {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            // Help and version: our own text, printed as ArgumentParser prints it.
            if !message.isEmpty { print(message) }
        } else if !message.isEmpty {
            FileHandle.standardError.write(Data((CredentialRedaction.message(message) + "\n").utf8))
        }
        Foundation.exit(code.rawValue)
    }
}
