import Crypto
import Foundation

/// One numbered SQL file of `sql/migrations`, compiled into the binary so that an installed
/// `disburse` needs nothing beside it.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    init(_ version: Int, _ name: String, _ bytes: [UInt8]) {
        self.version = version
        self.name = name
        self.sql = String(decoding: bytes, as: UTF8.self)
    }

    /// SHA-256 of the SQL text: an applied migration whose file changed is refused.
    public var checksum: String {
        Digest.sha256Hex(Array(sql.utf8))
    }

    /// Every migration this build knows, in order. A test checks it against the files on disk.
    public static let all: [Migration] = [
        Migration(1, "run_log", PackageResources._001_run_log_sql),
        Migration(2, "batches", PackageResources._002_batches_sql),
        Migration(3, "reconciliation", PackageResources._003_reconciliation_sql),
        Migration(4, "leaner_payouts", PackageResources._004_leaner_payouts_sql),
        Migration(5, "funnel_snapshots", PackageResources._005_funnel_snapshots_sql),
        Migration(6, "payout_totals", PackageResources._006_payout_totals_sql),
        Migration(7, "unanswered_checked", PackageResources._007_unanswered_checked_sql),
        Migration(8, "batch_proofs", PackageResources._008_batch_proofs_sql),
        Migration(10, "status_conflicts", PackageResources._010_status_conflicts_sql),
        Migration(11, "passed_paid", PackageResources._011_passed_paid_sql),
        Migration(12, "reporting_views", PackageResources._012_reporting_views_sql),
        Migration(13, "statistics", PackageResources._013_statistics_sql),
        Migration(14, "payment_messages", PackageResources._014_payment_messages_sql),
        Migration(16, "batch_release", PackageResources._016_batch_release_sql),
        Migration(17, "deliveries", PackageResources._017_deliveries_sql),
        Migration(19, "merged_report_views", PackageResources._019_merged_report_views_sql),
        Migration(20, "funnel_stale_after_resolve", PackageResources._020_funnel_stale_after_resolve_sql),
        Migration(21, "audit_guards", PackageResources._021_audit_guards_sql),
        Migration(22, "shared_accounts", PackageResources._022_shared_accounts_sql),
        Migration(23, "participant_niks", PackageResources._023_participant_niks_sql),
        Migration(24, "first_completions", PackageResources._024_first_completions_sql),
        Migration(25, "run_log_born_running", PackageResources._025_run_log_born_running_sql),
        Migration(26, "run_log_own_session", PackageResources._026_run_log_own_session_sql),
        Migration(30, "deliver_once_per_channel", PackageResources._030_deliver_once_per_channel_sql),
        Migration(31, "collect_by_content_and_release_rules", PackageResources._031_collect_by_content_and_release_rules_sql),
        Migration(32, "release_audit_and_grants", PackageResources._032_release_audit_and_grants_sql),
        Migration(33, "delivery_prepared_for", PackageResources._033_delivery_prepared_for_sql),
        Migration(34, "duplicate_message", PackageResources._034_duplicate_message_sql),
        Migration(35, "snake_case_summaries", PackageResources._035_snake_case_summaries_sql),
        Migration(40, "participant_statement", PackageResources._040_participant_statement_sql),
        Migration(48, "passed_paid_flag", PackageResources._048_passed_paid_flag_sql),
        Migration(49, "paid_after_return", PackageResources._049_paid_after_return_sql),
        Migration(50, "phone_trunk_prefix", PackageResources._050_phone_trunk_prefix_sql),
        Migration(51, "shared_eligibility_rules", PackageResources._051_shared_eligibility_rules_sql),
        Migration(52, "incremental_nights", PackageResources._052_incremental_nights_sql),
        Migration(53, "account_key_without_translate", PackageResources._053_account_key_without_translate_sql),
        Migration(54, "participant_niks_by_number", PackageResources._054_participant_niks_by_number_sql),
        Migration(55, "account_tie_break", PackageResources._055_account_tie_break_sql),
    ]

    public var fileName: String { String(format: "%04d_%@.sql", version, name) }
}
