import Foundation

/// Walks a pain.002 status report node by node and hands on every status it states: per
/// transaction (`TxInfAndSts`), per payment block (`OrgnlPmtInfAndSts/PmtInfSts`) and for the
/// whole message (`OrgnlGrpInfAndSts/GrpSts`). The report is found by its structure
/// (`CstmrPmtStsRpt`), in a Document at the root or inside an envelope; elements are known by
/// local name and no namespace is checked: the one the report declares is kept as its version.
struct Pain002Scanner {
    /// The elements read; everything else is `.other`.
    enum Element: UInt8 {
        case other, document, report, group, messageID, groupStatus, block, blockID, blockStatus
        case transaction, instructionID, endToEndID, transactionStatus, reasonInfo, reason, code, proprietary
        case additionalInfo, transactionReference, amount, instructedAmount, acceptedAt, supplementary

        /// The names read, by length: an element name is compared with the one to three names
        /// of its length only (a status report has about eight elements a payment).
        static let byLength: [[(name: [UInt8], element: Element)]] = {
            let pairs: [(String, Element)] = [
                ("Document", .document), ("CstmrPmtStsRpt", .report), ("OrgnlGrpInfAndSts", .group),
                ("OrgnlMsgId", .messageID), ("GrpSts", .groupStatus), ("OrgnlPmtInfAndSts", .block),
                ("OrgnlPmtInfId", .blockID), ("PmtInfSts", .blockStatus), ("TxInfAndSts", .transaction),
                ("OrgnlInstrId", .instructionID), ("OrgnlEndToEndId", .endToEndID), ("TxSts", .transactionStatus),
                ("StsRsnInf", .reasonInfo), ("Rsn", .reason), ("Cd", .code), ("Prtry", .proprietary),
                ("AddtlInf", .additionalInfo), ("OrgnlTxRef", .transactionReference), ("Amt", .amount),
                ("InstdAmt", .instructedAmount), ("AccptncDtTm", .acceptedAt), ("SplmtryData", .supplementary),
            ]
            var table = [[(name: [UInt8], element: Element)]](repeating: [], count: 18)
            for (name, element) in pairs { table[name.utf8.count].append((Array(name.utf8), element)) }
            return table
        }()

        init(_ name: UnsafePointer<UInt8>) {
            let length = strlen(name)
            guard length < Self.byLength.count else {
                self = .other
                return
            }
            for (candidate, element) in Self.byLength[length]
                where candidate.withUnsafeBufferPointer({ $0.baseAddress.map { memcmp($0, name, length) == 0 } ?? false })
            {
                self = element
                return
            }
            self = .other
        }

        var isScope: Bool { self == .group || self == .block || self == .transaction }
    }

    /// The number of each field in `StatusLine.asWritten` (the currency is 5).
    enum Field: Int { case reference = 0, instruction = 1, status = 2, code = 3, amount = 4, acceptedAt = 6, text = 7 }

    /// What one scope (the group, a block, a transaction) says.
    struct Values {
        var reference, instruction, status, code, text, amount, currency, acceptedAt: String?
        /// How many AddtlInf; the first as written, kept until a second comes.
        var texts = 0
        var firstText: String?
        /// The fields written with blanks around them or as further AddtlInf (`StatusLine.asWritten`).
        var written: String?
    }

    /// ISO 20022 limits: a field of 4 KiB is far beyond any element of a status report (the
    /// longest, AddtlInf, is 105 characters); references and codes are Max35Text.
    static let maxField = 4096, maxReference = 35
    /// The fields of one status as written (`Values.written`): each within a field, a few fields.
    static let maxWritten = 8 * maxField

    /// A report answers one pain.001 message (its group) and a few payment blocks; far more
    /// block and group statuses than that is no bank's report, and each one can name a whole
    /// file of payouts.
    static let maxScopeStatuses = 1_000

    private let reader: XMLPullReader
    private var path: [Element] = []
    /// The element whose text is being collected: field, scope (`path` index) and depth.
    private var capture: (field: Field, scope: Int, depth: Int)?
    private var text: [UInt8] = []
    private var group = Values(), block = Values(), transaction = Values()
    private var statuses = 0, transactions = 0, scopeStatuses = 0
    /// The first status each block and group (by scope and id) was given, and its line: a
    /// repeat must say the same, word for word.
    private var stated: [String: (code: String, reason: String?, text: String?, line: Int)] = [:]
    /// `path` index of an open SplmtryData: ISO's open extension point holds any XML, none of
    /// which is a status of ours.
    private var skipDepth: Int?
    /// `path` index of the open CstmrPmtStsRpt, if one is open.
    private var reportDepth: Int?
    private var reports = 0
    private var root: (name: String, namespace: String?, line: Int)?
    private var documentLine = 0
    private var closedRoot = false
    private(set) var declaredNamespace: String?

    init(_ reader: XMLPullReader) { self.reader = reader }

    /// The version the report declares, read from its namespace (`pain.002.001.03.ch.02`), or
    /// nil when the namespace names none.
    var declaredVersion: String? { declaredNamespace.flatMap(Pain002Reader.version(inNamespace:)) }

    mutating func run(_ body: (StatusLine) throws -> Void) throws -> Int {
        while let node = try reader.next() {
            switch node {
            case .start(let name, let namespace, let isEmpty):
                try start(name, namespace: namespace)
                if isEmpty { try end(body) }
            case .text(let value):
                if let capture, capture.depth == path.count {
                    let length = strlen(value)
                    guard text.count + length <= Self.maxField else {
                        throw StatusFileError(line: reader.nodeLine, problem: "a field is longer than 4 KiB; ask the channel for a clean file")
                    }
                    text.append(contentsOf: UnsafeBufferPointer(start: value, count: length))
                }
            case .end:
                try end(body)
            }
        }
        guard let root else { throw StatusFileError(line: nil, problem: "no XML element in the file; expected a pain.002 Document") }
        guard closedRoot else {
            throw StatusFileError(line: reader.line, problem: "not well-formed XML: the \(root.name) is never closed (the file is truncated)")
        }
        guard reports > 0 else {
            throw StatusFileError(
                line: root.line,
                problem: "the root is not a pain.002 Document: <\(root.name)> (namespace \(root.namespace ?? "none")) holds no CstmrPmtStsRpt")
        }
        if statuses == 0 {
            throw StatusFileError(
                line: nil, problem: "the report states no status (no GrpSts, PmtInfSts or TxInfAndSts but PART); ask the channel for the full report")
        }
        return statuses
    }

    private static func echo(_ text: String) -> String { Masking.digitRuns(String(text.prefix(120))) }

    private mutating func start(_ name: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?) throws {
        let element = Element(name)
        if root == nil {
            root = (Self.echo(String(cString: name)), namespace.map { Self.echo(String(cString: $0)) }, reader.nodeLine)
        }
        let parent = path.last
        if skipDepth != nil {
            path.append(.other)
            return
        }
        if let capture, capture.depth == path.count {
            throw StatusFileError(
                line: reader.nodeLine,
                problem: "\(Self.label(capture.field)) holds an element (<\(Self.echo(String(cString: name)))>), where it may hold text only; the report is malformed")
        }
        path.append(element)
        guard reportDepth != nil else {
            try outside(element, name: name, namespace: namespace, parent: parent)
            return
        }
        if element == .supplementary {
            skipDepth = path.count - 1
            capture = nil
            return
        }
        if element == .report {
            throw StatusFileError(line: reader.nodeLine, problem: "a CstmrPmtStsRpt inside the report; send one report per file")
        }
        if element.isScope { try open(element) }
        let field: Field?
        switch element {
        case .messageID: field = parent == .group ? .reference : nil
        case .groupStatus: field = parent == .group ? .status : nil
        case .blockID: field = parent == .block ? .reference : nil
        case .blockStatus: field = parent == .block ? .status : nil
        case .instructionID: field = parent == .transaction ? .instruction : nil
        case .endToEndID: field = parent == .transaction ? .reference : nil
        case .transactionStatus: field = parent == .transaction ? .status : nil
        case .acceptedAt: field = parent == .transaction ? .acceptedAt : nil
        case .code, .proprietary:
            field = parent == .reason && path.count >= 4 && path[path.count - 3] == .reasonInfo
                && path[path.count - 4].isScope ? .code : nil
        case .additionalInfo: field = parent == .reasonInfo && path.count >= 3 && path[path.count - 3].isScope ? .text : nil
        case .instructedAmount:
            field = parent == .amount && path.count >= 4 && path[path.count - 3] == .transactionReference
                && path[path.count - 4] == .transaction ? .amount : nil
            if field != nil, let currency = reader.attribute("Ccy").map({ String(cString: $0) }) {
                transaction.currency = currency.trimmingWhitespace
                if transaction.currency != currency { StatusLine.note(&transaction.written, 5, currency) }
            }
        default: field = nil
        }
        if let field {
            // The scope a field belongs to is the innermost one open.
            let scope = path.lastIndex { $0.isScope } ?? 0
            capture = (field, scope, path.count)
            text.removeAll(keepingCapacity: true)
        } else {
            capture = nil
        }
    }

    /// Before the report: an envelope, or the Document that must hold it.
    private mutating func outside(
        _ element: Element, name: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?, parent: Element?
    ) throws {
        switch element {
        case .document: documentLine = reader.nodeLine
        case .report:
            reports += 1
            guard reports == 1 else {
                throw StatusFileError(line: reader.nodeLine, problem: "the file holds a second CstmrPmtStsRpt; send one report per file")
            }
            reportDepth = path.count - 1
            declaredNamespace = namespace.map { String(cString: $0) }
        default:
            // A Document holds one message: if it is not a status report, the file is not one.
            if parent == .document {
                throw StatusFileError(
                    line: documentLine,
                    problem: "the root is not a pain.002 Document: it holds \(Self.echo(String(cString: name))) (namespace \(namespace.map { Self.echo(String(cString: $0)) } ?? "none")), not CstmrPmtStsRpt")
            }
        }
    }

    /// Scopes nest only as the standard has them: the group and the blocks in the report,
    /// transactions in a block (or directly in the report).
    private mutating func open(_ element: Element) throws {
        let parent = path[path.count - 2]
        guard parent == .report || (element == .transaction && parent == .block) else {
            throw StatusFileError(line: reader.nodeLine, problem: "\(Self.label(element)) is misplaced (inside another status); the report is malformed")
        }
        let values = Values()
        switch element {
        case .group: group = values
        case .block: block = values
        default: transaction = values
        }
    }

    private static func label(_ field: Field) -> String {
        switch field {
        case .reference: "a reference (OrgnlMsgId, OrgnlPmtInfId or OrgnlEndToEndId)"
        case .instruction: "OrgnlInstrId"
        case .status: "a status (GrpSts, PmtInfSts or TxSts)"
        case .code: "a reason code"
        case .text: "AddtlInf"
        case .amount: "InstdAmt"
        case .acceptedAt: "AccptncDtTm"
        }
    }

    private static func label(_ element: Element) -> String {
        switch element {
        case .group: "OrgnlGrpInfAndSts"
        case .block: "OrgnlPmtInfAndSts"
        default: "TxInfAndSts"
        }
    }

    private mutating func end(_ body: (StatusLine) throws -> Void) throws {
        guard let element = path.last else { return }
        if let skipDepth {
            if path.count - 1 == skipDepth { self.skipDepth = nil }
            path.removeLast()
            return
        }
        if let capture, capture.depth == path.count {
            let raw = String(decoding: text, as: UTF8.self)
            let value = raw.trimmingWhitespace
            let scope = path[capture.scope]
            let once: Bool
            switch scope {
            case .group: once = Self.set(capture.field, value, raw: raw, in: &group)
            case .block: once = Self.set(capture.field, value, raw: raw, in: &block)
            default: once = Self.set(capture.field, value, raw: raw, in: &transaction)
            }
            // Every field read occurs at most once in its status in every pain.002 version: a
            // second one (two TxSts, two OrgnlEndToEndId) leaves the line ambiguous.
            guard once else {
                throw StatusFileError(
                    line: reader.nodeLine,
                    problem: "\(Self.label(scope)) has \(Self.label(capture.field)) twice; the report is malformed, ask the channel for a corrected file")
            }
            // Repeated AddtlInf grow a status's reason text and its written form: checked as
            // they come, so a file of a million of them is refused before it fills memory.
            let values = switch scope { case .group: group; case .block: block; default: transaction }
            if (values.text?.utf8.count ?? 0) > Self.maxField || (values.written?.utf8.count ?? 0) > Self.maxWritten {
                throw StatusFileError(
                    line: reader.nodeLine, problem: "\(Self.label(scope)) has reason texts longer than 4 KiB together; ask the channel for a clean file")
            }
            self.capture = nil
        }
        if let reportDepth, path.count - 1 >= reportDepth {
            switch element {
            case .transaction: try emitTransaction(body)
            case .block: try emitScope(.block, block, body)
            case .group: try emitScope(.group, group, body)
            // Only the report's own end closes it (a nested one is refused at its start).
            case .report where path.count - 1 == reportDepth: self.reportDepth = nil
            default: break
            }
        }
        path.removeLast()
        if path.isEmpty { closedRoot = true }
    }

    /// Notes a field written otherwise than its value (the same-line rule); false when a
    /// once-only field is given a second time.
    private static func set(_ field: Field, _ value: String, raw: String, in values: inout Values) -> Bool {
        if field == .text {
            // One AddtlInf is the reason text as written; several are noted one by one.
            values.texts += 1
            if values.texts == 1 {
                values.firstText = raw
                if value != raw { StatusLine.note(&values.written, Field.text.rawValue, raw) }
            } else {
                if values.texts == 2 { StatusLine.note(&values.written, Field.text.rawValue, values.firstText) }
                StatusLine.note(&values.written, Field.text.rawValue, raw)
            }
        } else if value != raw {
            StatusLine.note(&values.written, field.rawValue, raw)
        }
        func once(_ slot: inout String?) -> Bool {
            guard slot == nil else { return false }
            slot = value
            return true
        }
        switch field {
        case .reference: return once(&values.reference)
        case .instruction: return once(&values.instruction)
        case .status: return once(&values.status)
        // A status may give several reasons (StsRsnInf is repeatable): the first code counts,
        // further AddtlInf lines are joined.
        case .code:
            values.code = values.code ?? value
            return true
        case .text:
            values.text = values.text.map { $0 + " " + value } ?? value
            return true
        case .amount: return once(&values.amount)
        case .acceptedAt: return once(&values.acceptedAt)
        }
    }

    /// References and codes are Max35Text in every version; the joined reason text stays within a field.
    private func checkLengths(_ values: Values, place: @autoclosure () -> String) throws {
        func check(_ value: String?, _ name: String) throws {
            if let value, value.utf8.count > Self.maxReference {
                throw StatusFileError(line: reader.nodeLine, problem: "\(place()) has a \(name) longer than 35 characters")
            }
        }
        try check(values.reference, "reference")
        try check(values.instruction, "OrgnlInstrId")
        try check(values.status, "status code")
        try check(values.code, "reason code")
        if let text = values.text, text.utf8.count > Self.maxField {
            throw StatusFileError(line: reader.nodeLine, problem: "\(place()) has reason texts longer than 4 KiB together")
        }
    }

    private mutating func emitTransaction(_ body: (StatusLine) throws -> Void) throws {
        transactions += 1
        let values = transaction
        try checkLengths(values, place: "TxInfAndSts #\(transactions)")
        // Without OrgnlEndToEndId the OrgnlInstrId is tried: the pain.001 files carry no
        // InstrId, so a bank that echoes one has copied the EndToEndId into it.
        let reference = values.reference.flatMap { $0.isEmpty ? nil : $0 } ?? values.instruction ?? ""
        let code = values.status ?? ""
        let (status, plainCode) = Pain002Reader.status(code)
        var line = StatusLine(
            lineNumber: 0, endToEndId: reference, status: status, amount: nil,
            reasonCode: values.code.flatMap { $0.isEmpty ? nil : $0 }, reasonText: values.text.flatMap { $0.isEmpty ? nil : $0 },
            settledAt: values.acceptedAt.flatMap { $0.isEmpty ? nil : $0 })
        if status == nil { line.statusCode = Self.echo(code) }
        if let text = values.amount {
            switch try StatusAmount.parse(text, line: reader.nodeLine, xsDecimal: true) {
            case .whole(let amount): line.amount = amount
            case .fraction(let written): line.amountNote = written
            case nil: break
            }
            if let currency = values.currency, currency != "IDR" {
                line.amountNote = "\(Self.echo(currency)) \(line.amountNote ?? line.amount.map(String.init) ?? text)"
                line.amount = nil
            }
        }
        // The line as written, where it is not what the values say plainly: blanks around a
        // value (noted as it was read), an OrgnlInstrId, decimals, a currency left out.
        line.asWritten = values.written
        if values.instruction != nil { line.noteWritten(Field.instruction.rawValue, values.instruction) }
        let plainAmount = switch (values.amount, line.amount) {
        case (nil, nil): true
        case (let text?, let amount?): StatusAmount.isPlain(text, amount)
        default: false
        }
        if !plainAmount { line.noteWritten(Field.amount.rawValue, values.amount) }
        if values.currency != (line.amount == nil && line.amountNote == nil ? nil : "IDR") { line.noteWritten(5, values.currency) }
        if values.acceptedAt?.isEmpty == true { line.noteWritten(Field.acceptedAt.rawValue, "") }
        Self.noteWritten(values, plainCode: plainCode, in: &line)
        try emit(line, body)
    }

    /// What every status writes otherwise than its values say plainly: the reference, a status
    /// code other than the status's plain one (`ACCC` for ACSC…), an empty reason code or
    /// AddtlInf.
    private static func noteWritten(_ values: Values, plainCode: Bool, in line: inout StatusLine) {
        if values.reference != line.endToEndId { line.noteWritten(Field.reference.rawValue, values.reference) }
        if !plainCode { line.noteWritten(Field.status.rawValue, values.status) }
        if values.code?.isEmpty == true { line.noteWritten(Field.code.rawValue, "") }
        if values.texts == 1, values.text?.isEmpty == true { line.noteWritten(Field.text.rawValue, "") }
    }

    private mutating func emitScope(_ scope: StatusScope, _ values: Values, _ body: (StatusLine) throws -> Void) throws {
        guard let code = values.status else { return }
        try checkLengths(values, place: scope == .group ? "OrgnlGrpInfAndSts" : "OrgnlPmtInfAndSts")
        // PART: "see the transactions".
        if code == "PART" { return }
        scopeStatuses += 1
        guard scopeStatuses <= Self.maxScopeStatuses else {
            throw StatusFileError(
                line: reader.nodeLine,
                problem: "the report has more than \(Self.maxScopeStatuses) block and group statuses; a report answers a few pain.001 files, ask the channel")
        }
        // A block or group stated twice must say the same both times (the repeat is then one
        // DUPLICATE_LINE); two different words for one pain.001 block or message leave every
        // payout in it ambiguous, so the file is malformed.
        let place = scope == .group ? "OrgnlGrpInfAndSts" : "OrgnlPmtInfAndSts"
        let key = "\(scope.rawValue) \(values.reference ?? "")"
        if let first = stated[key] {
            guard first.code == code, first.reason == values.code, first.text == values.text else {
                throw StatusFileError(
                    line: reader.nodeLine,
                    problem: "\(place) \(Self.echo(values.reference ?? "(no id)")) is given another status or reason than at line \(first.line); the report is malformed, ask the channel for a corrected file")
            }
        } else {
            stated[key] = (code, values.code, values.text, reader.nodeLine)
        }
        let (status, plainCode) = Pain002Reader.status(code)
        var line = StatusLine(
            lineNumber: 0, endToEndId: values.reference ?? "", status: status, amount: nil,
            reasonCode: values.code.flatMap { $0.isEmpty ? nil : $0 }, reasonText: values.text.flatMap { $0.isEmpty ? nil : $0 },
            settledAt: nil)
        line.scope = scope
        if status == nil { line.statusCode = Self.echo(code) }
        line.asWritten = values.written
        Self.noteWritten(values, plainCode: plainCode, in: &line)
        try emit(line, body)
    }

    private mutating func emit(_ line: StatusLine, _ body: (StatusLine) throws -> Void) throws {
        statuses += 1
        var line = line
        line.lineNumber = statuses
        try body(line)
    }
}
