import CLibXML2
import Foundation

/// libxml2's streaming reader (xmlTextReader), one node at a time, without a Swift string per
/// node: names and text stay libxml2's until the next `next()`. A status report holds a dozen
/// elements per payment and a million payments; Foundation's delegate parser spent about
/// 10 µs a payment making strings and dictionaries out of them.
///
/// No DTD is loaded, no entity is substituted beyond XML's five, nothing is fetched from the
/// network, and input comes through our own read callback from a `StatusFileInput` (never
/// through libxml2's file opener, which would also inflate gzip): every byte is hashed and
/// passes the safety scan before libxml2 sees it.
final class XMLPullReader {
    enum Node {
        /// `localName` and `namespace` are NUL-terminated UTF-8, valid until the next call.
        case start(localName: UnsafePointer<UInt8>, namespace: UnsafePointer<UInt8>?, isEmpty: Bool)
        case text(UnsafePointer<UInt8>)
        case end
    }

    /// The first error libxml2 reported, with its line.
    private final class Errors {
        var first: (message: String, line: Int)?
    }

    /// Hands libxml2 the file's bytes as it asks for them, each chunk read (and hashed) by the
    /// input and checked by the safety scan before any of it is handed on. A refusal is kept
    /// here and libxml2 is told the input failed.
    private final class Feed {
        let input: StatusFileInput
        var scan = XMLSafetyScan()
        var chunk: [UInt8] = []
        var offset = 0
        var refusal: StatusFileError?

        init(_ input: StatusFileInput) { self.input = input }

        func read(into buffer: UnsafeMutablePointer<CChar>, count: Int) -> Int32 {
            do throws(StatusFileError) {
                while offset == chunk.count {
                    guard let next = try input.next() else {
                        try scan.finish()
                        return 0
                    }
                    try scan.feed(next)
                    chunk = next
                    offset = 0
                }
                let length = min(count, chunk.count - offset)
                chunk.withUnsafeBufferPointer { bytes in
                    guard let base = bytes.baseAddress else { return }
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: length)
                }
                offset += length
                return Int32(length)
            } catch {
                refusal = error
                return -1
            }
        }

        static let callback: xmlInputReadCallback = { context, buffer, length in
            guard let context, let buffer, length > 0 else { return -1 }
            return Unmanaged<Feed>.fromOpaque(context).takeUnretainedValue().read(into: buffer, count: Int(length))
        }
    }

    /// IGNORE_ENC: the input is UTF-8 (checked before), whatever its declaration claims; a
    /// declared UTF-16 would otherwise switch the decoder half-way through the first line.
    /// BIG_LINES: line numbers past 65,535 are kept, so errors name the right line.
    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_BIG_LINES.rawValue)
    private static let initialized: Void = xmlInitParser()

    private let reader: xmlTextReaderPtr
    private let errors = Errors()
    private let feed: Feed

    /// Reads `input` from where it stands, every byte through the safety scan first.
    init(_ input: StatusFileInput) throws(StatusFileError) {
        _ = Self.initialized
        feed = Feed(input)
        let context = Unmanaged.passUnretained(feed).toOpaque()
        guard let reader = xmlReaderForIO(Feed.callback, nil, context, nil, "UTF-8", Self.options) else {
            throw feed.refusal ?? StatusFileError(line: nil, problem: "the XML reader could not start (out of memory?)")
        }
        self.reader = reader
        // Errors are collected, never printed: the library does not write to stderr. The
        // reader's handler sees parse errors; input and encoding errors go to the thread's
        // handler (libxml2 keeps it per thread), which is ours while this reader lives.
        let errorContext = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, Self.collect, errorContext)
        xmlSetStructuredErrorFunc(errorContext, Self.collect)
    }

    /// Keeps the first error; libxml2 calls it instead of printing.
    private static let collect: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let errors = Unmanaged<Errors>.fromOpaque(context).takeUnretainedValue()
        guard errors.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
        errors.first = (message.trimmingWhitespace, Int(error.pointee.line))
    }

    deinit {
        xmlFreeTextReader(reader)
        xmlSetStructuredErrorFunc(nil, nil)
    }

    /// Where the parser is (it reads ahead of the node being looked at).
    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The line of the element being looked at (its start tag).
    var nodeLine: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return line }
        let number = xmlGetLineNo(node)
        return number > 0 ? Int(number) : line
    }

    /// The value of the current element's attribute `name` (NUL-terminated), valid until the next call.
    func attribute(_ name: StaticString) -> UnsafePointer<UInt8>? {
        guard xmlTextReaderMoveToAttribute(reader, name.utf8Start) == 1 else { return nil }
        defer { xmlTextReaderMoveToElement(reader) }
        return xmlTextReaderConstValue(reader)
    }

    /// The next node that matters to a reader of data, or nil at the end of the document.
    func next() throws(StatusFileError) -> Node? {
        while true {
            switch xmlTextReaderRead(reader) {
            case 1: break
            case 0: return nil
            default:
                if let refusal = feed.refusal { throw refusal }
                let error = errors.first
                throw StatusFileError(
                    line: error?.line ?? line,
                    problem: "not well-formed XML (\(Masking.digitRuns(error?.message ?? "malformed XML"))); the file may be truncated")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                guard let name = xmlTextReaderConstLocalName(reader) else { continue }
                return .start(
                    localName: name, namespace: xmlTextReaderConstNamespaceUri(reader),
                    isEmpty: xmlTextReaderIsEmptyElement(reader) == 1)
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                guard let value = xmlTextReaderConstValue(reader) else { continue }
                return .text(value)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .end
            default:
                continue
            }
        }
    }
}
