-- 0031_notice_once: an escalation is left once per step visit, whichever server checks first.
--
-- Every `serve` over one database runs the daily check of overdue applications (floorplan/register_notices.go,
-- NotifyOverdue). It read the application's escalations, then inserted one when there was none, so two servers
-- checking at the same instant could both leave one. A notice now may carry a key (once) unique among its
-- application's notices; the check sets it to the step and the instant the application reached it, and the
-- insert does nothing when the key is taken. Notices without a key (all the others, and those left before) are
-- not constrained.

ALTER TABLE notices ADD COLUMN once text;
CREATE UNIQUE INDEX notices_once_idx ON notices (application_id, once) WHERE once IS NOT NULL;
