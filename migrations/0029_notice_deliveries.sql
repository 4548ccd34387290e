-- 0029_notice_deliveries: one server hands each notice over outside the app (e-mail, webhook).
--
-- Every `serve` over one database polls the new notices (floorplan/register_notices.go, KeepNoticesSent); before
-- it hands one over it claims it here (floorplan.NoticeStore.ClaimDelivery: an INSERT that does nothing on a
-- conflict), and only the server whose row went in delivers it. A delivery that fails is not tried again, by that
-- server or another: at most once, as before, but now once for all the servers rather than once each. Like the
-- notices, the claims are not part of the register: no history, no revision.

CREATE TABLE notice_deliveries (
    notice_id  uuid PRIMARY KEY REFERENCES notices (id),
    claimed_at timestamptz NOT NULL
);

-- The app role claims and reads the claims (officemap_app_grants, 0019); every role already granted gets the
-- table now, through the function that grants the app role every table of the list.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES ('notice_deliveries', 'SELECT, INSERT');

SELECT officemap_grant_app(g.grantee)
  FROM (SELECT DISTINCT grantee FROM information_schema.role_table_grants
         WHERE table_schema = current_schema() AND table_name = 'room_states' AND privilege_type = 'INSERT'
           AND grantee <> current_user) g;
