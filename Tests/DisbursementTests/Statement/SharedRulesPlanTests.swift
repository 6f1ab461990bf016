import Foundation
import Testing

@testable import Disbursement

/// Issue 19: the night and the participant statement share their eligibility rules as SQL
/// functions (migrations 0040 and 0051). The night's set-based statements must get them written
/// out by the planner (inlined): a function call per registry row would cost the night minutes
/// at national scale, and a plan that calls one could not be the plan it had before.
@Suite("shared eligibility rules")
struct SharedRulesPlanTests {
    static let sharedRules = [
        "completion_qualifies", "jakarta_day", "decree_in_force", "decree_precedence(", "completion_within_decree",
        "first_qualifying_day", "account_may_be_in_force", "account_recency(", "training_due", "incentive_interval",
        "incentive_due", "survey_due", "account_tie_break(",
    ]

    /// The ordering keys' row types: the night sorts by their fields (`SharedOrder`), so a plan
    /// that builds one (`ROW(…)::disbursement.account_tie_key`) builds it for every row it sorts
    /// (attack 30 F1: the tie-break's row, five texts and a timestamp per registry account,
    /// made the accounts' sort spill 15 % more).
    static let orderingKeys = ["decree_precedence_key", "account_recency_key", "account_tie_key"]

    /// The statements that call the rules, planned in the night's own order on the second night
    /// of a generated registry (VAs, kept first completions and payouts exist).
    @Test func theNightsStatementsCallNoSharedRule() throws {
        let env = try TestEnvironment()
        try env.generateSyntheticRegistry(registrants: 3_000, seed: 51)
        try env.run("2020-06-01")
        let connection = env.connection
        guard let date = BusinessDate("2020-07-15") else { return }
        try connection.withTransaction(rollbackOnly: true) {
            try connection.execute(NightSQL.noJIT)
            try connection.execute(NightSQL.workMemory)
            try EligibilitySQL.bind(connection, date: date, settings: env.settings)
            func planned(_ name: String, _ sql: String) throws {
                let plan = try connection.query("EXPLAIN (VERBOSE, COSTS OFF) " + sql)
                    .map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
                for rule in Self.sharedRules {
                    #expect(!plan.contains("disbursement.\(rule)"), "\(name) calls \(rule):\n\(plan)")
                }
                for key in Self.orderingKeys {
                    #expect(!plan.contains("::disbursement.\(key)"), "\(name) builds a \(key) row:\n\(plan)")
                }
                try connection.execute(sql)
            }
            try connection.execute(EligibilitySQL.decrees)
            try connection.execute(EligibilitySQL.decreesIndex)
            try planned("members", EligibilitySQL.members(touchedOnly: false))
            try connection.execute(EligibilitySQL.membersIndex)
            try connection.execute(NightSQL.analyzeMembers)
            try planned("schemes", EligibilitySQL.schemes)
            try connection.execute(NightSQL.analyzeSchemes)
            try planned("entitlements", EligibilitySQL.entitlements)
            try connection.execute(NightSQL.analyzeEntitlements)
            for statement in EligibilitySQL.duplicateNIKs { try connection.execute(statement) }
            try planned("accounts", NightScopeSQL.allAccounts)
            let accountNumbers = NightScopeSQL.keepChangedAccountNumbers
            try connection.execute("CREATE TEMP TABLE run_account_changed (registrant_id bigint PRIMARY KEY) ON COMMIT DROP")
            try connection.execute(accountNumbers[0])
            try planned("account numbers", accountNumbers[1])
            try planned("persons, full night", EligibilitySQL.persons(fromAllAccounts: true))
            try connection.execute("DROP TABLE run_person")
            try planned("persons, incremental night", EligibilitySQL.persons(fromAllAccounts: false))
        }
    }

    /// The night sorts by the ordering keys' fields (`SharedOrder`); the statement by the whole
    /// row. Both are one order only while the night names every field, in the type's order.
    @Test func theNightSortsByEveryFieldOfTheOrderingKeys() throws {
        let env = try TestEnvironment()
        for (type, fields) in [("decree_precedence_key", SharedOrder.decreePrecedenceFields),
                               ("account_recency_key", SharedOrder.accountRecencyFields),
                               ("account_tie_key", SharedOrder.accountTieBreakFields)] {
            let columns = try env.connection.query(
                """
                SELECT attname::text FROM pg_attribute
                 WHERE attrelid = ('disbursement.' || $1)::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
                """, [type]
            ).map { try $0.decode(0, as: String.self) }
            #expect(columns == fields, "\(type)")
        }
    }
}
