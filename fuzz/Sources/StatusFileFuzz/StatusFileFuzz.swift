import Disbursement
import Foundation

/// Feeds arbitrary bytes to both status-file readers. Any error they throw is an answer; only
/// a crash, a hang or a sanitizer report is a finding.
func exercise(_ data: Data) {
    _ = StatusFileFormat.detect(firstBytes: data)
    try? CSVStatusReader.read(data: data) { _ in }
    _ = try? Pain002Reader.read(data: data) { _ in }
}

#if FUZZING
/// libFuzzer's entry point (fuzz/run builds this with -sanitize=fuzzer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    exercise(Data(bytes: start, count: count))
    return 0
}
#else
/// Without the fuzzer: replays every file of the folders or files given (the committed corpus),
/// so the findings of past fuzzing runs stay fixed. The tests run it.
@main
struct ReplayCorpus {
    static func main() throws {
        var replayed = 0
        for argument in CommandLine.arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else { continue }
            let paths = isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: argument).sorted().map { argument + "/" + $0 }
                : [argument]
            for path in paths {
                exercise(try Data(contentsOf: URL(fileURLWithPath: path)))
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs")
    }
}
#endif
