import Foundation

/// Who ran a command, for the record: the account the process runs as (the effective uid,
/// which `$USER` cannot fake), with `$USER` and `$SUDO_USER` kept beside it when they say
/// something else, as information only.
enum OperatingSystemUser {
    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let uid = geteuid()
        var name = "uid \(uid)"
        if let entry = getpwuid(uid), let login = entry.pointee.pw_name {
            name = String(cString: login)
        }
        let claimed = ["USER", "SUDO_USER"].compactMap { key -> String? in
            guard let value = environment[key], !value.isEmpty, value != name else { return nil }
            return "\(key)=\(Masking.printable(String(value.prefix(64))))"
        }
        return claimed.isEmpty ? name : "\(name) (\(claimed.joined(separator: ", ")))"
    }
}
