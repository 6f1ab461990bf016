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
/// libFuzzer's driver (fuzz/run builds this with -sanitize=fuzzer). SwiftPM links an executable
/// target's entry point under the name `<module>_main`, so that is where libFuzzer is started.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("StatusFileFuzz_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { start, size in
        exercise(start.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
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
