import Foundation
import Testing

@testable import Disbursement

@Suite("business dates")
struct BusinessDateTests {
    @Test(arguments: ["2020-06-01", "2000-02-29", "2024-02-29", "0001-01-01", "9999-12-31", "1582-10-10", "1500-03-01"])
    func realDaysParseAndPrintBack(_ text: String) throws {
        let date = try #require(BusinessDate(text))
        #expect(date.description == text)
    }

    /// Impossible days, PostgreSQL's proleptic Gregorian leap years, and anything but YYYY-MM-DD.
    @Test(arguments: [
        "2020-02-30", "2023-02-29", "1900-02-29", "1500-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00",
        "0000-01-01", "+202-01-01", "2020-1-01", "2020-01-1 ", "20200101", "2020/01/01", "２020-01-01", "", "2020-01-01T00",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(BusinessDate(text) == nil)
    }

    @Test func everyDayOfALeapYearAndACommonYear() {
        for (year, days) in [(2024, 366), (2023, 365), (2000, 366), (2100, 365)] {
            var count = 0
            for month in 1...12 {
                for day in 1...31 where BusinessDate(String(format: "%04d-%02d-%02d", year, month, day)) != nil { count += 1 }
            }
            #expect(count == days, "\(year)")
        }
    }
}
