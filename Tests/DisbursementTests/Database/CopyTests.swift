import Foundation
import Testing

@testable import Disbursement

@Suite("COPY in and out")
struct CopyTests {
    @Test func copyInAndOutRoundTripsAwkwardText() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE public.t (id bigint, name text)")
        let names: [String?] = ["tab\there", "new\nline", "back\\slash", nil, "Nur'aini & <Co> \"x\", é", "\\N", "", "ends\\"]
        try connection.copyIn("COPY public.t FROM STDIN") { writer in
            for (index, name) in names.enumerated() { try writer.append([String(index), name]) }
        }
        var read: [String?] = []
        try connection.copyOut("COPY (SELECT id, name FROM public.t ORDER BY id) TO STDOUT") { line in
            read.append(CopyText.fields(line)[1])
        }
        #expect(read == names)
    }

    @Test func copyTextSplitsEmptyNullAndEscapedFields() {
        let line = Array("a\t\t\\N\t\\\\N\tx\\ty\t".utf8)
        let fields = line.withUnsafeBufferPointer { CopyText.fields($0) }
        #expect(fields == ["a", "", nil, "\\N", "x\ty", ""])
    }

    @Test func aThrowingProducerAbortsTheCopyAndKeepsNothing() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE public.t (id bigint)")
        struct Broken: Error {}
        #expect(throws: Broken.self) {
            try connection.copyIn("COPY public.t FROM STDIN") { writer in
                for index in 0..<100_000 { try writer.append([String(index)]) }
                throw Broken()
            }
        }
        #expect(try connection.queryOne("SELECT count(*) FROM public.t").decode(0, as: Int.self) == 0)
    }

    @Test func aMillionRowsStreamBothWaysWithFlatMemory() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        try connection.execute("CREATE UNLOGGED TABLE public.t (id bigint, label text)")
        let before = ResidentMemory.current
        let written = try connection.copyIn("COPY public.t FROM STDIN") { writer in
            for index in 0..<1_000_000 { try writer.append([String(index), "participant-\(index)"]) }
        }
        var sum = 0
        let lines = try connection.copyOut("COPY public.t TO STDOUT") { line in
            sum += line.count
        }
        let growth = ResidentMemory.current - before
        #expect(written == 1_000_000)
        #expect(lines == 1_000_000)
        // ~30 MB of rows went each way; a buffering implementation would grow by far more.
        #expect(growth < 20_000_000, "resident memory grew by \(growth) bytes")
    }
}

enum ResidentMemory {
    /// Resident set size of this process, from /proc (Linux).
    static var current: Int {
        guard let status = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = status.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
