import ArgumentParser
import Disbursement

struct VACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "va", abstract: "Look up or check a virtual-account number.",
        subcommands: [VALookupCommand.self, VACheckCommand.self])
}

struct VALookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lookup", abstract: "Who owns a VA (masked).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The 16-digit VA number.")
    var number: String

    func run() throws {
        try runReportingErrors {
            let connection = try common.connect()
            try Migrator().verify(connection)
            print(try VirtualAccountLookup.lookup(number, connection))
        }
    }
}

struct VACheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Whether a typed number is a well-formed VA (length, digits, known prefix, check digit).")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The number as typed.")
    var number: String

    func run() throws {
        try runReportingErrors {
            let connection = try? common.connect()
            let verdict = try VirtualAccountLookup.check(number, connection)
            print(verdict.description)
            if !verdict.isValid { throw ExitCode(.dataError) }
        }
    }
}
