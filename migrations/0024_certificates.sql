-- 0024_certificates: usage certificates (分配使用凭证, floorplan/certificates.go), issued to an agency for the
-- rooms allocated to it, with their usable areas at issue (a JSON array), and a public verification code
-- (128 random bits in base32, unique and indexed: it is public by design, in the certificate's QR code).
-- A certificate is never changed except to be revoked once (who, when, why), and never deleted.

CREATE TABLE certificates (
    seq            bigserial UNIQUE,
    id             uuid PRIMARY KEY,
    code           text NOT NULL CONSTRAINT certificates_code_key UNIQUE CHECK (length(code) = 26),
    agency_id      uuid NOT NULL REFERENCES agencies (id),
    rooms          jsonb NOT NULL CHECK (jsonb_typeof(rooms) = 'array'),
    total_area_m2  double precision NOT NULL CHECK (total_area_m2 >= 0),
    application_id uuid,
    issued_by      text NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_by     text NOT NULL DEFAULT '',
    revoke_reason  text NOT NULL DEFAULT '',
    CONSTRAINT certificates_revocation CHECK ((revoked_at IS NULL) = (revoke_reason = ''))
);
CREATE INDEX certificates_agency_idx ON certificates (agency_id, issued_at);

CREATE FUNCTION certificates_revoke_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'certificates are never deleted (revoke them)';
    END IF;
    IF OLD.revoked_at IS NOT NULL OR NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.agency_id <> OLD.agency_id
       OR NEW.rooms <> OLD.rooms OR NEW.total_area_m2 <> OLD.total_area_m2 OR NEW.issued_at <> OLD.issued_at THEN
        RAISE EXCEPTION 'certificates are never changed, only revoked once';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER certificates_revoke_only BEFORE UPDATE OR DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION certificates_revoke_only();
CREATE FUNCTION certificates_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'certificates are never deleted (revoke them)';
END $$;
CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION certificates_no_truncate();

-- The app role issues, reads and revokes (officemap_app_grants, 0019: the trigger allows only the
-- revocation); every role already granted gets the table now.
INSERT INTO officemap_app_grants (tbl, privileges) VALUES ('certificates', 'SELECT, INSERT, UPDATE');

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
              WHERE table_schema = current_schema() AND table_name = 'room_states' AND privilege_type = 'INSERT'
                AND grantee <> current_user LOOP
        PERFORM officemap_grant_app(r.grantee);
    END LOOP;
END
$$;
