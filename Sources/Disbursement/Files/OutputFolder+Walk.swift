import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Opening OUT by walking its path one component at a time from `/`, each folder opened
/// relative to the previous one without following a link. A symbolic link among the parents is
/// followed only when nobody but root or this user could have put it there: a link in a folder
/// others can write (`/tmp/x/payouts -> /root/victim`) would send the batch wherever its
/// planter chose, so it is refused. Every real folder on the way must be one only root or this
/// user can change (`movableFailure`); a folder writable by the user's own private group counts
/// as the user's (`othersCanWrite`).
extension OutputFolder {
    private static let walkFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
    /// Like the kernel's own limit on links followed in one lookup.
    private static let maximumLinks = 40

    /// The descriptor of the folder at `path`; missing folders are created 0700 when `create`.
    /// The last component itself is never followed (it is refused as a link by the caller).
    static func walk(_ path: String, create: Bool) throws -> Int32 {
        var absolute = path
        if !absolute.hasPrefix("/") {
            guard let cwd = getcwd(nil, 0) else { throw walkFailure(path, errno) }
            absolute = String(cString: cwd) + "/" + path
            free(cwd)
        }
        var pending = components(absolute)
        var current = Glibc.open("/", walkFlags)
        guard current >= 0 else { throw walkFailure(path, errno) }
        var walked: [String] = []
        var links = 0
        while !pending.isEmpty {
            if let failure = movableFailure(current, folder: "/" + walked.joined(separator: "/"), path: path) {
                close(current)
                throw failure
            }
            let name = pending.removeFirst()
            if name == ".." { walked = Array(walked.dropLast()) }
            var next = openat(current, name, walkFlags)
            if next < 0 && errno == ENOENT && create && name != ".." {
                if mkdirat(current, name, 0o700) != 0 && errno != EEXIST {
                    let code = errno
                    close(current)
                    throw AtomicFile.Failure(description: "Cannot create the output folder \(path) (\(String(cString: strerror(code)))): check the path and permissions, or choose another --out.")
                }
                next = openat(current, name, walkFlags)
            }
            if next >= 0 {
                close(current)
                current = next
                if name != ".." { walked.append(name) }
                continue
            }
            let code = errno
            var link = stat()
            let isLink = (code == ELOOP || code == ENOTDIR) && fstatat(current, name, &link, AT_SYMLINK_NOFOLLOW) == 0
                && (link.st_mode & S_IFMT) == S_IFLNK
            // The last component is OUT itself: refused as a link by the caller's message.
            guard isLink, !pending.isEmpty else {
                close(current)
                throw code == ENOENT && !create ? walkFailure(path, code) : OutputFolder.openFailure(path, code)
            }
            let folder = "/" + walked.joined(separator: "/")
            var parent = stat()
            guard fstat(current, &parent) == 0 else {
                close(current)
                throw walkFailure(path, errno)
            }
            let trusted: (uid_t) -> Bool = { $0 == 0 || $0 == geteuid() }
            guard !othersCanWrite(parent), trusted(parent.st_uid), trusted(link.st_uid) else {
                close(current)
                throw AtomicFile.Failure(description: "The output folder \(path) goes through the symbolic link \(name) in \(folder), which another user could have planted (the folder is writable by others or the link or folder is not owned by root or you): remove the link or name the real folder with --out or output_dir.")
            }
            links += 1
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlinkat(current, name, &target, Int(PATH_MAX))
            guard links <= maximumLinks, length > 0 else {
                close(current)
                throw OutputFolder.openFailure(path, links > maximumLinks ? ELOOP : errno)
            }
            let text = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            pending = components(text) + pending
            if text.hasPrefix("/") {
                close(current)
                current = Glibc.open("/", walkFlags)
                guard current >= 0 else { throw walkFailure(path, errno) }
                walked = []
            }
        }
        return current
    }

    /// Every folder OUT lies in must be one that only root or this user can change: whoever can
    /// write a folder on the way can move OUT, or a folder holding it, away and put one of their
    /// own in its place between two runs. A sticky folder of root's or ours (like /tmp) passes:
    /// others may add their own names to it but cannot move ours.
    private static func movableFailure(_ descriptor: Int32, folder: String, path: String) -> AtomicFile.Failure? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return walkFailure(path, errno) }
        let mode = String(status.st_mode & 0o7777, radix: 8)
        guard status.st_uid == 0 || status.st_uid == geteuid() else {
            return AtomicFile.Failure(description: "The output folder \(path) lies inside \(folder), which belongs to another user (uid \(status.st_uid)) who could move it away and put another in its place: choose an --out or output_dir inside folders that only root or you own.")
        }
        guard !othersCanWrite(status) || status.st_mode & 0o1000 != 0 else {
            return AtomicFile.Failure(description: "The output folder \(path) lies inside \(folder), which others can write to (mode \(mode)), so it could be moved away and replaced: make \(folder) private (chmod go-w) or sticky (chmod +t), or choose another --out or output_dir.")
        }
        return nil
    }

    /// Whether someone else than this user can write the folder. The group bit alone does not
    /// count when the group is this user's own private group (Ubuntu's umask 002 makes every
    /// cloned folder 775), as Debian's sshd decides for StrictModes.
    private static func othersCanWrite(_ status: stat) -> Bool {
        if status.st_mode & 0o002 != 0 { return true }
        guard status.st_mode & 0o020 != 0 else { return false }
        // The reentrant lookups: tests and the night open folders on several threads.
        var buffer = [CChar](repeating: 0, count: 1 << 16)
        var user = passwd(), group = Glibc.group()
        var userFound: UnsafeMutablePointer<passwd>?, groupFound: UnsafeMutablePointer<Glibc.group>?
        let half = buffer.count / 2
        return buffer.withUnsafeMutableBufferPointer { space -> Bool in
            guard let base = space.baseAddress,
                getpwuid_r(geteuid(), &user, base, half, &userFound) == 0, userFound != nil,
                getgrgid_r(status.st_gid, &group, base + half, half, &groupFound) == 0, groupFound != nil
            else { return true }
            var members: [String] = []
            var member = group.gr_mem
            while let name = member?.pointee {
                members.append(String(cString: name))
                member = member?.advanced(by: 1)
            }
            return !isOwnPrivateGroup(
                status.st_gid, primaryGroup: user.pw_gid, userName: String(cString: user.pw_name),
                groupName: String(cString: group.gr_name), groupMembers: members)
        }
    }

    /// A user private group: the user's primary group, named after the user, with no other
    /// member listed.
    static func isOwnPrivateGroup(
        _ gid: gid_t, primaryGroup: gid_t, userName: String, groupName: String, groupMembers: [String]
    ) -> Bool {
        gid == primaryGroup && !userName.isEmpty && groupName == userName && groupMembers.allSatisfy { $0 == userName }
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }

    private static func walkFailure(_ path: String, _ code: Int32) -> AtomicFile.Failure {
        AtomicFile.Failure(description: "Cannot open the output folder \(path) (\(String(cString: strerror(code)))): check the path and permissions.")
    }
}
