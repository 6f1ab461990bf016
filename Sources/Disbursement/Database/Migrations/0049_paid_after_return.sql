-- A PAID line for a payout that was PAID and then RETURNED is history re-sent only when it is
-- not dated after the return: a channel saying "paid" after it said "returned" reports a new
-- payment (attack on 8e87490, F1), a conflict or a double payment, never nothing. Each line
-- keeps its settled_at as an instant (`SettlementTime`, NULL when it has none); the few
-- applied returns are found through a small index. Lines recorded before this migration have
-- no instant: a PAID after them is judged as before.
ALTER TABLE disbursement.status_lines ADD COLUMN settled_order bigint;
CREATE INDEX status_lines_returned_applied ON disbursement.status_lines (registrant_id, end_to_end_id)
    WHERE status = 'RETURNED' AND outcome = 'APPLIED';
