-- 0008_totp_step: the time step (Unix time / 30 s) of the last one-time code accepted for each user
-- (identity.User.LastTOTPStep). A code is accepted only for a later step, so that one seen once (over a
-- shoulder, in a proxy's log) cannot be replayed within its window. 0 for every user: none recorded.
--
-- The app role needs nothing more: officemap_grant_app grants on whole tables, which covers a new column.
ALTER TABLE users ADD COLUMN last_totp_step bigint NOT NULL DEFAULT 0;
