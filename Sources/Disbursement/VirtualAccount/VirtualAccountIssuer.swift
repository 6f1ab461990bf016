/// Issues numbers to approved participants who have none, inside the run's transaction.
struct VirtualAccountIssuer {
    struct KeyMismatch: OperatorError {
        let prefix: String
        var category: FailureCategory { .configuration }
        var description: String {
            "VA prefix \(prefix) was first used with a different key; this run refuses to start. A new key needs a new prefix: add it to va.prefixes (and keep the old key for the old prefix)."
        }
    }

    struct RangeFull: OperatorError {
        let prefixes: [String]
        let missing: Int
        let suggestion: String?
        var category: FailureCategory { .configuration }
        var description: String {
            let add = suggestion.map { "add a new issuer prefix such as \($0) to va.prefixes (it begins no prefix in use and none begins it)" }
                ?? "add a new issuer prefix to va.prefixes"
            return "The VA ranges \(prefixes.joined(separator: ", ")) have no room for \(missing) more numbers; nothing was issued: \(add)."
        }
    }

    struct PrefixOverlap: OperatorError {
        let shorter: String
        let longer: String
        var category: FailureCategory { .configuration }
        var description: String {
            "VA prefix \(shorter) begins prefix \(longer) (listed in va.prefixes or used before): their numbers would mix; list another prefix instead."
        }
    }

    let prefixes: [String]
    let key: VAKey
    static let chunk = 50_000

    /// The first pair of which one begins the other, if any.
    static func overlap(_ prefixes: some Collection<String>) -> (shorter: String, longer: String)? {
        let sorted = Set(prefixes).sorted()
        // In sorted order a prefix comes right before the strings it begins.
        for (shorter, longer) in zip(sorted, sorted.dropFirst()) where longer.hasPrefix(shorter) {
            return (shorter, longer)
        }
        return nil
    }

    /// Checks the listed prefixes against the key they were bound to, and that no prefix begins
    /// another, listed or retired (a prefix used before and no longer listed: its numbers stay
    /// valid and it needs no key). With `bind`, a listed prefix used for the first time is
    /// bound to this key. A re-run of a recorded date checks without binding.
    func bindRanges(_ connection: Connection, bind: Bool = true) throws {
        var bound: [String: String] = [:]
        for row in try connection.query("SELECT prefix, key_fingerprint FROM disbursement.va_ranges") {
            bound[try row.decode(0, as: String.self)] = try row.decode(1, as: String.self)
        }
        for prefix in prefixes {
            if let fingerprint = bound[prefix], fingerprint != KeyFingerprint.of(key: key.bytes, prefix: prefix) {
                throw KeyMismatch(prefix: prefix)
            }
        }
        if let (shorter, longer) = Self.overlap(Array(bound.keys) + prefixes) {
            throw PrefixOverlap(shorter: shorter, longer: longer)
        }
        guard bind else { return }
        for prefix in prefixes where bound[prefix] == nil {
            let cipher = try VACipher(prefix: prefix, key: key.bytes)
            try connection.execute(
                "INSERT INTO disbursement.va_ranges (prefix, key_fingerprint, capacity) VALUES ($1, $2, $3)",
                [prefix, KeyFingerprint.of(key: key.bytes, prefix: prefix), cipher.capacity])
        }
    }

    /// A prefix to propose when the listed ones are full: the next numbers after the last listed
    /// one, of the same length, that begin no known prefix and that none begins.
    static func suggestion(after last: String, known: [String]) -> String? {
        guard var candidate = Int(last) else { return nil }
        let limit = Int(String(repeating: "9", count: last.count)) ?? 0
        while candidate < limit {
            candidate += 1
            let digits = String(candidate)
            let text = String(repeating: "0", count: max(0, last.count - digits.count)) + digits
            if !known.contains(where: { $0.hasPrefix(text) || text.hasPrefix($0) }) { return text }
        }
        return nil
    }

    /// Numbers everyone in `run_new_va`. Sequence numbers are taken from the ranges under a
    /// row lock, so a second issuer waits and then continues after the first one's numbers.
    func issue(
        _ connection: Connection, date: BusinessDate, runID: Int64, checkpoint: (String) -> Void = { _ in }
    ) throws -> Int {
        let wanted = try connection.queryOne("SELECT count(*) FROM run_new_va").decode(0, as: Int.self)
        guard wanted > 0 else { return 0 }
        struct Segment { let cipher: VACipher; let firstSequence: Int64; let firstOrdinal: Int; let count: Int }
        var segments: [Segment] = []
        var remaining = wanted
        for prefix in prefixes where remaining > 0 {
            let range = try connection.queryOne(
                "SELECT capacity, next_sequence FROM disbursement.va_ranges WHERE prefix = $1 FOR UPDATE", [prefix])
            let capacity = try range.decode("capacity", as: Int64.self)
            let next = try range.decode("next_sequence", as: Int64.self)
            let take = Int(min(Int64(remaining), capacity - next))
            guard take > 0 else { continue }
            try connection.execute(
                "UPDATE disbursement.va_ranges SET next_sequence = next_sequence + $2 WHERE prefix = $1", [prefix, take])
            segments.append(Segment(
                cipher: try VACipher(prefix: prefix, key: key.bytes), firstSequence: next,
                firstOrdinal: wanted - remaining, count: take))
            remaining -= take
        }
        guard remaining == 0 else {
            let known = try connection.query("SELECT prefix FROM disbursement.va_ranges").map { try $0.decode(0, as: String.self) }
            throw RangeFull(
                prefixes: prefixes, missing: remaining,
                suggestion: prefixes.last.flatMap { Self.suggestion(after: $0, known: known + prefixes) })
        }

        for segment in segments {
            var start = segment.firstOrdinal
            let end = segment.firstOrdinal + segment.count
            while start < end {
                let stop = min(start + Self.chunk, end)
                let rows = try connection.query(
                    "SELECT registrant_id, ordinal FROM run_new_va WHERE ordinal >= $1 AND ordinal < $2 ORDER BY ordinal",
                    [start, stop])
                let prefix = segment.cipher.prefix
                let issued = try rows.map { row in
                    let sequence = segment.firstSequence + (try row.decode(1, as: Int64.self) - Int64(segment.firstOrdinal))
                    return (va: try segment.cipher.number(forSequence: sequence), registrant: try row.decode(0, as: String.self),
                            sequence: sequence)
                }
                // In number order, each page of the unique index on va is written once per chunk
                // instead of once per number falling on it (the numbers are spread at random).
                // The chunk is a run of consecutive participants, so the primary key still grows
                // at its right edge.
                try connection.copyIn(
                    "COPY disbursement.virtual_accounts (registrant_id, va, prefix, sequence_no, issued_on, run_id) FROM STDIN"
                ) { writer in
                    for (index, account) in issued.sorted(by: { $0.va < $1.va }).enumerated() {
                        if index == 1 { checkpoint("virtual accounts: copying") }
                        try writer.append([
                            account.registrant, account.va, prefix, String(account.sequence), date.description, String(runID),
                        ])
                    }
                }
                start = stop
            }
        }
        return wanted
    }
}
