import ArgumentParser
import Disbursement
import Foundation

struct HTMLReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "One self-contained page for a browser: funnel and daily paid/held charts, summary and reconciliation tables.")

    @OptionGroup var options: ReportOptions

    @Option(help: "Write the page to this file (0600) instead of standard output.")
    var out: String?

    func run() throws {
        try runReportingErrors {
            let (from, to) = options.range
            let stamp = ISO8601DateFormatter().string(from: Date())
            let page = try FinancePage(from: from, to: to, generatedAt: stamp).render(try options.connect())
            if let out {
                try AtomicFile.write(Array(page.utf8), to: out)
                print("Wrote \(out)")
            } else {
                print(page, terminator: "")
            }
        }
    }
}
