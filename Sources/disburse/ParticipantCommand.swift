import ArgumentParser
import Disbursement

extension StatementLanguage: ExpressibleByArgument {}
extension ParticipantStatement.Format: ExpressibleByArgument {}

struct ParticipantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "One participant's statement for the call centre: decree, VA, training, account and every entitlement's state (masked, recorded).",
        discussion: """
            ID is a registrant id (up to 18 digits, not 16), a NIK (16 digits) or a VA number (16 digits, one of ours); \
            spaces and dashes are ignored. Every lookup is recorded with the database login and the time.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "Registrant id, NIK or VA number.")
    var id: String

    @Option(help: "Language of the statement: id (Indonesian) or en.")
    var lang: StatementLanguage = .id

    @Option(help: "Output format: table or json.")
    var format: ParticipantStatement.Format = .table

    func run() throws {
        try runReportingErrors {
            let statement = try StatementLookup.statement(id, try common.connect())
            print(try statement.render(format, language: lang), terminator: "")
        }
    }
}
