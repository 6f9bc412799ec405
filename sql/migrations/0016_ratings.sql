-- Whose word counts, and records that say which version they are.
--
-- A partnership's `rating` and `feedback` are the community side's rating of the partner, given
-- when that side completes it (the need's community staff, or a coordinator or admin); they alone
-- feed the partner's track record. The partner rates the community separately, once: its review
-- (`review_rating`, `review_feedback`, who and when).
ALTER TABLE partnerships
    ADD COLUMN completed_by    bigint REFERENCES users (id),
    ADD COLUMN review_rating   smallint CHECK (review_rating BETWEEN 1 AND 5),
    ADD COLUMN review_feedback text CHECK (char_length(review_feedback) <= 5000),
    ADD COLUMN reviewed_by     bigint REFERENCES users (id),
    ADD COLUMN reviewed_at     timestamptz,
    ADD CONSTRAINT partnerships_review_whole CHECK ((review_rating IS NULL) = (reviewed_at IS NULL));

-- Who completed each partnership so far, from the audit log.
UPDATE partnerships s SET completed_by = l.user_id
FROM audit_log l
WHERE l.entity = 'partnership' AND l.entity_id = s.id AND l.action = 'complete';

-- A partner that completed its own partnership rated itself: that is no rating of the partner, and
-- it leaves the track record (the audit log keeps what it said). A completed partnership therefore
-- has its outcome (beneficiaries served) and, from now on, the community side's rating.
ALTER TABLE partnerships DROP CONSTRAINT partnerships_completed_has_outcome;
ALTER TABLE partnerships ADD CONSTRAINT partnerships_completed_has_outcome
    CHECK (status <> 'completed' OR beneficiaries_served IS NOT NULL);
UPDATE partnerships s SET rating = NULL
FROM users u
WHERE u.id = s.completed_by AND u.role = 'partner' AND s.rating IS NOT NULL;

-- updated_at is a record's version (its ETag): the clock at the change, not the transaction's
-- start, so two changes never share one and a later change never carries an earlier time.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END $$;
