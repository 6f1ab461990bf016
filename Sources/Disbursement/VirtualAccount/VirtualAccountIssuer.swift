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
        var category: FailureCategory { .configuration }
        var description: String {
            "The VA ranges \(prefixes.joined(separator: ", ")) have no room for \(missing) more numbers; nothing was issued. Add a new issuer prefix to va.prefixes."
        }
    }

    let prefixes: [String]
    let key: VAKey
    static let chunk = 50_000

    /// Binds each configured prefix to this key on first use, and refuses a different key.
    func bindRanges(_ connection: Connection) throws {
        for prefix in prefixes {
            let cipher = try VACipher(prefix: prefix, key: key.bytes)
            let fingerprint = KeyFingerprint.of(key: key.bytes, prefix: prefix)
            try connection.execute(
                """
                INSERT INTO disbursement.va_ranges (prefix, key_fingerprint, capacity) VALUES ($1, $2, $3)
                ON CONFLICT (prefix) DO NOTHING
                """, [prefix, fingerprint, cipher.capacity])
            let bound = try connection.queryOne(
                "SELECT key_fingerprint FROM disbursement.va_ranges WHERE prefix = $1", [prefix]
            ).decode(0, as: String.self)
            guard bound == fingerprint else { throw KeyMismatch(prefix: prefix) }
        }
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
        guard remaining == 0 else { throw RangeFull(prefixes: prefixes, missing: remaining) }

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
