import Foundation

/// Walks a pain.002.001.10 document node by node and hands each TxInfAndSts on as a
/// `StatusLine`. Elements are known by their local name; only the root's namespace is checked.
struct Pain002Scanner {
    /// The elements read; everything else is `.other`.
    enum Element: UInt8 {
        case other, grpSts, txInfAndSts, orgnlEndToEndId, txSts, stsRsnInf, rsn, cd, prtry, addtlInf, orgnlTxRef
        case instdAmt, accptncDtTm

        static let names: [(name: [UInt8], element: Element)] = {
            let pairs: [(String, Element)] = [
                ("GrpSts", .grpSts), ("TxInfAndSts", .txInfAndSts), ("OrgnlEndToEndId", .orgnlEndToEndId),
                ("TxSts", .txSts), ("StsRsnInf", .stsRsnInf), ("Rsn", .rsn), ("Cd", .cd), ("Prtry", .prtry),
                ("AddtlInf", .addtlInf), ("OrgnlTxRef", .orgnlTxRef), ("InstdAmt", .instdAmt),
                ("AccptncDtTm", .accptncDtTm),
            ]
            return pairs.map { (Array($0.0.utf8), $0.1) }
        }()

        init(_ name: UnsafePointer<UInt8>) {
            let length = strlen(name)
            for (candidate, element) in Self.names where candidate.count == length
                && candidate.withUnsafeBufferPointer({ $0.baseAddress.map { memcmp($0, name, length) == 0 } ?? false })
            {
                self = element
                return
            }
            self = .other
        }
    }

    /// The values of one payment's status, and of the group status.
    enum Field { case reference, status, code, text, amount, acceptedAt, groupStatus }

    struct Values { var reference, status, code, text, amount, acceptedAt: String? }

    private let reader: XMLPullReader
    private var path: [Element] = []
    /// Inside TxInfAndSts elements (nested ones included) and the StsRsnInf and OrgnlTxRef within.
    private var openTransactions = 0, openReasons = 0, openReferences = 0
    /// The element whose text is being collected, and its depth.
    private var capture: (field: Field, depth: Int)?
    private var text: [UInt8] = []
    private var current = Values()
    private var groupStatus: String?
    private var transactions = 0
    private var sawRoot = false, closedRoot = false

    init(_ reader: XMLPullReader) { self.reader = reader }

    mutating func run(_ body: (StatusLine) throws -> Void) throws -> Int {
        while let node = try reader.next() {
            switch node {
            case .start(let name, let namespace, let isEmpty):
                try start(name, namespace: namespace)
                if isEmpty { try end(body) }
            case .text(let value):
                if capture?.depth == path.count { text.append(contentsOf: UnsafeBufferPointer(start: value, count: strlen(value))) }
            case .end:
                try end(body)
            }
        }
        guard sawRoot else { throw StatusFileError(line: nil, problem: "no pain.002.001.10 Document in the file") }
        guard closedRoot else {
            throw StatusFileError(line: reader.line, problem: "not well-formed XML: the Document is never closed (the file is truncated)")
        }
        if transactions == 0 {
            let group = groupStatus ?? "none"
            throw StatusFileError(line: nil, problem: "the report has no transaction-level statuses (group status \(group)); ask the channel for a TxInfAndSts per payment")
        }
        return transactions
    }

    private mutating func start(_ name: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?) throws {
        if path.isEmpty {
            let uri = namespace.map { String(cString: $0) }
            guard String(cString: name) == "Document", uri == Pain002Reader.namespace else {
                throw StatusFileError(line: reader.line, problem: "the root is not a pain.002.001.10 Document (namespace \(uri ?? "none"))")
            }
            sawRoot = true
            path.append(.other)
            return
        }
        let element = Element(name)
        path.append(element)
        let field: Field?
        if openTransactions > 0 {
            switch element {
            case .txInfAndSts: field = nil
            case .orgnlEndToEndId: field = .reference
            case .txSts: field = .status
            case .cd, .prtry: field = path.count >= 3 && path[path.count - 2] == .rsn && path[path.count - 3] == .stsRsnInf ? .code : nil
            case .addtlInf: field = openReasons > 0 ? .text : nil
            case .instdAmt: field = openReferences > 0 ? .amount : nil
            case .accptncDtTm: field = .acceptedAt
            default: field = nil
            }
        } else {
            field = element == .grpSts ? .groupStatus : nil
        }
        switch element {
        case .txInfAndSts:
            current = Values()
            openTransactions += 1
        case .stsRsnInf: openReasons += 1
        case .orgnlTxRef: openReferences += 1
        default: break
        }
        capture = field.map { ($0, path.count) }
        text.removeAll(keepingCapacity: true)
    }

    private mutating func end(_ body: (StatusLine) throws -> Void) throws {
        guard let element = path.last else { return }
        if let capture, capture.depth == path.count {
            let value = String(decoding: text, as: UTF8.self).trimmingWhitespace
            switch capture.field {
            case .reference: current.reference = value
            case .status: current.status = value
            // The first reason code counts; further AddtlInf lines are joined.
            case .code: current.code = current.code ?? value
            case .text: current.text = current.text.map { $0 + " " + value } ?? value
            case .amount: current.amount = value
            case .acceptedAt: current.acceptedAt = value
            case .groupStatus: groupStatus = value
            }
            self.capture = nil
        }
        switch element {
        case .txInfAndSts:
            openTransactions -= 1
            if openTransactions >= 0 { try emit(body) }
        case .stsRsnInf: openReasons -= 1
        case .orgnlTxRef: openReferences -= 1
        default: break
        }
        path.removeLast()
        if path.isEmpty { closedRoot = true }
    }

    private mutating func emit(_ body: (StatusLine) throws -> Void) throws {
        transactions += 1
        let place = "TxInfAndSts #\(transactions)"
        guard let reference = current.reference, !reference.isEmpty else {
            throw StatusFileError(line: reader.line, problem: "\(place) has no OrgnlEndToEndId")
        }
        guard let code = current.status, let status = Pain002Reader.status(code) else {
            throw StatusFileError(line: reader.line, problem: "\(place) has TxSts '\(current.status ?? "")', not one of ACSC, RJCT, ACSP, ACCP, ACTC, PDNG")
        }
        let amount = try current.amount.flatMap { try CSVStatusReader.amount($0, line: reader.line) }
        try body(StatusLine(
            lineNumber: transactions, endToEndId: reference, status: status, amount: amount,
            reasonCode: current.code, reasonText: current.text, settledAt: current.acceptedAt,
            rejectionMeansReturn: status == .failed))
    }
}
