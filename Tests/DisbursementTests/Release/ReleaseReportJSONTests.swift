import Foundation
import Testing

@testable import Disbursement

/// `deliver --format json` and `collect --format json` (and their run-log counts) use the
/// snake_case keys of every JSON the tool writes.
@Suite("release report JSON")
struct ReleaseReportJSONTests {
    @Test func deliverAndCollectReportsHaveSnakeCaseKeys() throws {
        var delivery = Delivery.Report()
        delivery.alreadyDelivered = 2
        delivery.hostKeyChanged = ["BNI": "SHA256:x"]
        var collection = StatusCollection.Report()
        collection.alreadyCollected = 1
        collection.exceptionCount = 3
        for (json, keys) in [
            (try delivery.json(), ["already_delivered", "host_key_changed", "unstarted", "unusable", "waiting"]),
            (try collection.json(), ["already_collected", "exception_count", "host_key_changed", "reconciled"]),
        ] {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            for key in keys { #expect(object[key] != nil, "\(key) missing in \(json)") }
            #expect(!object.keys.contains { $0.contains { $0.isUppercase } }, "camelCase key in \(json)")
        }
    }
}
