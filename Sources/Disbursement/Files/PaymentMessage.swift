/// One pain.001 file as the database knows it (migration 0014): its `MsgId` and `PmtInfId`,
/// and the payouts it holds (those of its date and channel from the first to the last
/// end_to_end_id, in byte order). A pain.002 status of a whole message or payment block
/// names these ids; reconciliation maps them back to the payouts.
struct PaymentMessage: Equatable, Sendable {
    var messageID: String
    var blockID: String
    var channel: String
    var fileName: String
    var firstEndToEndID: String
    var lastEndToEndID: String
    var payouts: Int
    var amount: Int64

    /// Records the files of a batch once; rendering the batch again (a repair, a re-run)
    /// yields the same ids, which are then already there.
    static func record(_ messages: [PaymentMessage], date: BusinessDate, _ connection: Connection) throws {
        for message in messages {
            try connection.execute(
                """
                INSERT INTO disbursement.payment_messages
                    (msg_id, pmt_inf_id, business_date, channel, file_name, first_end_to_end_id, last_end_to_end_id, payouts, amount)
                VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9)
                ON CONFLICT DO NOTHING
                """,
                [message.messageID, message.blockID, date, message.channel, message.fileName, message.firstEndToEndID,
                 message.lastEndToEndID, message.payouts, message.amount])
        }
    }
}
