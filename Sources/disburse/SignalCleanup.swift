import Disbursement
import Dispatch
import Foundation

/// `deliver` and `collect` ended by SIGTERM (cron's timeout, systemd) or SIGINT (Ctrl-C) first
/// stop their external programs and remove their private keyring (`ExternalCleanup`), then exit
/// as the signal would have (128 + its number). The run lock goes with the database session.
enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ExternalCleanup.run()
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
