-- COMPLETION_WITHDRAWN (issue 13, F3): the first day a participant's training qualified
-- (certificate, rating, non-blank review), kept once the night has seen it, like their VA. The
-- incentives and surveys counted from it keep existing when the registry's completion stops
-- qualifying (a review blanked, a rating changed): they are held, never silently dropped. The
-- day only moves earlier (a completion found to be earlier); the night never deletes a row.
CREATE TABLE disbursement.first_completions (
    registrant_id bigint PRIMARY KEY,
    first_on      date   NOT NULL,
    recorded_on   date   NOT NULL
);
