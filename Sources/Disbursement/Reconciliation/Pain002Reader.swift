import Foundation

/// Reads ISO 20022 customer payment status reports (pain.002) as banks send them, as a stream
/// (libxml2's reader): any version, national variants, a missing or misspelt namespace, an
/// envelope around the Document. Documents with a DTD or entity declarations are refused
/// outright: no XXE, no entity expansion.
public enum Pain002Reader {
    /// What a read found besides the statuses handed on.
    public struct Report: Sendable, Equatable {
        /// Statuses handed on: transactions, payment blocks and groups.
        public var statuses: Int
        /// The version the report declares (`pain.002.001.03.ch.02`), nil when its namespace names none.
        public var declaredVersion: String?
        /// The report's namespace as written (at most 200 characters), nil when it has none.
        public var declaredNamespace: String?
    }

    /// Settled, rejected, or acknowledged on the way (SPEC §7). Anything else (`RVNA`, and
    /// `PART` for a single transaction) is a code the tool does not know. `plain`: the code the
    /// status is plainly written with (ACSC, RJCT, PDNG); a line with another one carries its
    /// code as written (`StatusLine.asWritten`), so ACSC and ACCC are two lines.
    static func status(_ code: String) -> (status: PayoutStatus?, plain: Bool) {
        switch code {
        case "ACSC": return (.paid, true)
        case "ACCC": return (.paid, false)
        case "RJCT": return (.failed, true)
        case "PDNG": return (.pending, true)
        case "RCVD", "ACTC", "ACCP", "ACWC", "ACSP": return (.pending, false)
        default: return (nil, false)
        }
    }

    /// `…/pain.002.001.03.ch.02.xsd` or `urn:…:pain.002.001.10` → the version it names.
    static func version(inNamespace namespace: String) -> String? {
        guard let start = namespace.range(of: "pain.002.") else { return nil }
        var version = String(namespace[start.lowerBound...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") })
        if version.hasSuffix(".xsd") { version.removeLast(4) }
        while version.hasSuffix(".") { version.removeLast() }
        // pain.002.VVV.NN at least: the variant and version numbers are what a version is.
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[2].count == 3, parts[3].count == 2,
              parts[2].allSatisfy(\.isNumber), parts[3].allSatisfy(\.isNumber)
        else { return nil }
        return String(version.prefix(40))
    }

    @discardableResult
    public static func read(_ input: StatusFileInput, _ body: (StatusLine) throws -> Void) throws -> Report {
        var scanner = Pain002Scanner(try XMLPullReader(input))
        let statuses = try scanner.run(body)
        return Report(
            statuses: statuses, declaredVersion: scanner.declaredVersion,
            declaredNamespace: scanner.declaredNamespace.map { String($0.prefix(200)) })
    }

    @discardableResult
    public static func read(_ url: URL, _ body: (StatusLine) throws -> Void) throws -> Report {
        try read(try StatusFileInput(path: url.path), body)
    }

    @discardableResult
    public static func read(data: Data, _ body: (StatusLine) throws -> Void) throws -> Report {
        try read(StatusFileInput(bytes: [UInt8](data)), body)
    }
}
