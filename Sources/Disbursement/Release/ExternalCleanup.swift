import Foundation

/// What a `deliver` or `collect` ended by SIGTERM or SIGINT must undo before the process goes:
/// its external programs (in process groups of their own, so the signal did not reach them)
/// and its private keyrings with their gpg-agents. The executable calls it from its signal
/// handler and then exits; the library never exits itself. A SIGKILL cannot be caught: the
/// next run sweeps what such a run left (`GnuPG.sweep`).
public enum ExternalCleanup {
    public static func run() {
        for group in ChildGroups.shared.all { kill(-group, SIGKILL) }
        let gpgconf = try? ExternalProgram.locate("gpgconf", package: "gnupg")
        for home in GnuPGHomes.shared.all {
            GnuPG.remove(home, gpgconf: gpgconf)
            GnuPGHomes.shared.remove(home)
        }
    }
}
