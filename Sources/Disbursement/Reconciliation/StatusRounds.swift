/// Applies one staged status file (`recon_line`) in rounds: round n decides and applies the n-th
/// line of every entitlement in `settled_at` order, so a file that says PAID then RETURNED for
/// one payout leaves it RETURNED, as two files would. Each round is a few set-based statements;
/// a file with one line per entitlement (nearly every file) takes one round.
enum StatusRounds {
    /// `channelBound`: the file came from one channel (`disburse.channel` is set).
    static func apply(_ connection: Connection, file name: String, channelBound: Bool) throws {
        // Every temporary table is analysed before it is joined: without statistics the
        // planner can take a million lines for a handful and nest loops over the
        // payouts, which turned a 1-second update into a never-ending one in bench/night.
        // Only the columns joins and filters use: the others cost time and guide nothing.
        try connection.execute(ReconciliationSQL.analyzeLines)
        try connection.execute(ReconciliationSQL.match(channelBound: channelBound))
        if try connection.queryOne(ReconciliationSQL.severalLines).decode(0, as: Bool.self) {
            try connection.execute(ReconciliationSQL.numberRounds)
        }
        try connection.execute(ReconciliationSQL.analyzeMatches)
        let rounds = try connection.queryOne(ReconciliationSQL.rounds).decode(0, as: Int.self)
        if rounds > ReconciliationSQL.maximumRounds {
            let reference = try connection.queryOne(ReconciliationSQL.tooManyLines).decode(0, as: String.self)
            throw InputError(
                "\(name) is not a valid status file, nothing was imported: it has more than \(ReconciliationSQL.maximumRounds) status lines for the payments of \(Masking.digitRuns(reference)); ask the channel for a corrected file.")
        }
        try connection.execute(ReconciliationSQL.createDecisions)
        if rounds > 1 { try connection.execute(ReconciliationSQL.indexRounds) }
        for round in stride(from: 1, through: rounds, by: 1) {
            try connection.execute(ReconciliationSQL.bindRound, [round])
            try connection.execute(ReconciliationSQL.decide(firstRound: round == 1))
            if round == 1 { try connection.execute(ReconciliationSQL.analyzeDecisions) }
            try connection.execute(ReconciliationSQL.recordLines)
            try connection.execute(ReconciliationSQL.recordExceptions)
            try connection.execute(ReconciliationSQL.apply)
            try connection.execute(ReconciliationSQL.moveTotals)
        }
    }
}
