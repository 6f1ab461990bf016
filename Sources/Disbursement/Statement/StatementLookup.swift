import Foundation

/// `disburse participant ID`: one participant's statement through the two functions of migration
/// 0040, the only door the call centre's role (`disburse_support`) has. The lookup is recorded
/// in its own transaction first and the statement is read in the next, so a lookup cannot be
/// seen without being on record. It takes no run lock: it only reads, and the night writes in
/// one transaction, so a lookup sees a whole night or none of it.
public enum StatementLookup {
    /// Why a lookup gives no statement, in one sentence for the clerk (digit runs masked).
    public struct NoStatement: OperatorError, Sendable {
        public let description: String
        public let category: FailureCategory
    }

    public static func statement(_ id: String, _ connection: Connection) throws -> ParticipantStatement {
        let text = try statementText(id, connection)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let outcome = try? decoder.decode(Outcome.self, from: Data(text.utf8)) else {
            throw unknownShape
        }
        let shown = Masking.digitRuns(Masking.printable(outcome.idMasked ?? ""))
        switch outcome.outcome {
        case "found":
            do {
                return try decoder.decode(ParticipantStatement.self, from: Data(text.utf8))
            } catch {
                throw unknownShape
            }
        case "not_found":
            let what = outcome.idKind == "nik" ? "NIK" : outcome.idKind == "va" ? "VA number" : "registrant id"
            throw NoStatement(
                description: "No participant has the \(what) \(shown): check the number with the caller (a VA or NIK has 16 digits, a registrant id fewer).",
                category: .inputInvalid)
        case "ambiguous":
            throw NoStatement(
                description: "The NIK \(shown) belongs to more than one registrant (held DUPLICATE_NIK): look the caller up by registrant id or VA number.",
                category: .inputInvalid)
        case "limited":
            throw NoStatement(
                description: "This login has looked up 200 participants in the last hour, the most a call-centre login may: try again later.",
                category: .busy)
        default:
            throw NoStatement(
                description: "\"\(shown)\" is not a registrant id, NIK or VA number: give one id of digits (spaces and dashes are ignored).",
                category: .usage)
        }
    }

    /// A database at another migration than this build (the support role cannot read which).
    private static let unknownShape = NoStatement(
        description: "The database's statement has a shape this build of disburse does not know: use the build that matches the database's migrations (`disburse migrate` says which).",
        category: .configuration)

    /// The two calls, each its own transaction (the connection is in autocommit).
    private static func statementText(_ id: String, _ connection: Connection) throws -> String {
        do {
            let lookup = try connection.queryOne("SELECT disbursement.statement_request($1)", [id]).decode(0, as: Int64.self)
            return try connection.queryOne("SELECT disbursement.participant_statement($1)::text", [lookup]).decode(0, as: String.self)
        } catch where error.sqlState == "42883" {
            throw NoStatement(
                description: "This database has no participant statement yet: run `disburse migrate` (migration 40) as disburse_owner.",
                category: .configuration)
        }
    }

    private struct Outcome: Decodable {
        var outcome: String
        var idKind: String?
        var idMasked: String?
    }
}
