import ArgumentParser

@main
struct Disburse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disburse",
        abstract: "Pays the participants of the pre-employment programme: VAs, nightly batches, reconciliation, reports.",
        discussion: """
            Exit codes: 0 done, 1 unexpected failure (nothing half-written), 3 reconcile finished with exceptions,
            64 usage, 65 input invalid, 69 database unavailable, 75 another run holds the lock, 78 configuration invalid.
            """,
        version: "0.1.0",
        subcommands: [
            MigrateCommand.self, RunCommand.self, ReconcileCommand.self, ResolveCommand.self, ReportCommand.self,
            VACommand.self, VerifyCommand.self, ApproveCommand.self, RejectCommand.self, DeliverCommand.self,
            CollectCommand.self,
        ]
    )
}
