import Foundation
import Testing

@testable import Disbursement

/// Server notices and warnings reach the connection's handler (the logger), never libpq's
/// default, which prints them raw to stderr (cron's mail).
@Suite("server notices")
struct NoticeTests {
    @Test func noticesGoToTheHandlerOrNowhere() throws {
        let database = try TestDatabase.make(migrated: false)
        let connection = try database.connect()
        var notices: [String] = []
        connection.noticeHandler = { notices.append($0) }
        try connection.executeScript("DO $$ BEGIN RAISE WARNING 'account 3171000000000001 looks odd'; END $$")
        #expect(notices.count == 1 && notices[0].contains("looks odd"), "\(notices)")
        connection.noticeHandler = nil
        try connection.executeScript("DO $$ BEGIN RAISE WARNING 'dropped'; END $$")
        #expect(notices.count == 1)
    }
}
