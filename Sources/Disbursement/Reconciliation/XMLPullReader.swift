import CLibXML2
import Foundation

/// libxml2's streaming reader (xmlTextReader), one node at a time, without a Swift string per
/// node: names and text stay libxml2's until the next `next()`. A status report holds a dozen
/// elements per payment and a million payments; Foundation's delegate parser spent about
/// 10 µs a payment making strings and dictionaries out of them.
///
/// No DTD is loaded, no entity is substituted beyond XML's five, nothing is fetched from the
/// network, and input is read from a descriptor (never through libxml2's file opener, which
/// would also inflate gzip).
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

    /// IGNORE_ENC: the input is UTF-8 (checked before), whatever its declaration claims; a
    /// declared UTF-16 would otherwise switch the decoder half-way through the first line.
    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
    private static let initialized: Void = xmlInitParser()

    private let reader: xmlTextReaderPtr
    private let errors = Errors()

    /// Reads the file open at `descriptor` (not closed here).
    convenience init(descriptor: Int32) throws(StatusFileError) {
        _ = Self.initialized
        try self.init(xmlReaderForFd(descriptor, nil, "UTF-8", Self.options))
    }

    /// Reads bytes that must outlive the reader.
    convenience init(bytes: UnsafeRawBufferPointer) throws(StatusFileError) {
        _ = Self.initialized
        guard let base = bytes.baseAddress, let count = Int32(exactly: bytes.count) else {
            throw StatusFileError(line: nil, problem: "not well-formed XML: the file is empty or too large")
        }
        try self.init(xmlReaderForMemory(base.assumingMemoryBound(to: CChar.self), count, nil, "UTF-8", Self.options))
    }

    /// Keeps the first error; libxml2 calls it instead of printing.
    private static let collect: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let errors = Unmanaged<Errors>.fromOpaque(context).takeUnretainedValue()
        guard errors.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0) } ?? "malformed XML"
        errors.first = (message.trimmingWhitespace, Int(error.pointee.line))
    }

    private init(_ reader: xmlTextReaderPtr?) throws(StatusFileError) {
        guard let reader else { throw StatusFileError(line: nil, problem: "the XML reader could not start (out of memory?)") }
        self.reader = reader
        // Errors are collected, never printed: the library does not write to stderr. The
        // reader's handler sees parse errors; input and encoding errors go to the thread's
        // handler (libxml2 keeps it per thread), which is ours while this reader lives.
        let context = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, Self.collect, context)
        xmlSetStructuredErrorFunc(context, Self.collect)
    }

    deinit {
        xmlFreeTextReader(reader)
        xmlSetStructuredErrorFunc(nil, nil)
    }

    var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The next node that matters to a reader of data, or nil at the end of the document.
    func next() throws(StatusFileError) -> Node? {
        while true {
            switch xmlTextReaderRead(reader) {
            case 1: break
            case 0: return nil
            default:
                let error = errors.first
                throw StatusFileError(
                    line: error?.line ?? line,
                    problem: "not well-formed XML (\(error?.message ?? "malformed XML")); the file may be truncated")
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
