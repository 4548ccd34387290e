-- 0017_documents: the electronic archive (一房一档, floorplan/documents.go). Documents are filed against a site,
-- building, floor, room or agency; their bytes are kept by SHA-256 in document_blobs (or in a directory the
-- operator configures: then document_blobs stays empty).
--
--   * documents: one row per filed file. A row never changes but to be hidden once (deletion hides, with who,
--     when and why), and is never deleted: documents_immutable enforces both. A new version is a new row that
--     supersedes the old one (at most one successor per document, of the same subject).
--   * document_blobs / document_blob_parts: the bytes, in parts of at most 1 MiB so that a download streams;
--     written once, never changed or deleted.
-- No existing row changes.

CREATE TABLE document_blobs (
    sha256 text PRIMARY KEY CONSTRAINT document_blobs_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size   bigint NOT NULL CONSTRAINT document_blobs_size_positive CHECK (size > 0),
    parts  integer NOT NULL CONSTRAINT document_blobs_parts_positive CHECK (parts > 0)
);

CREATE TABLE document_blob_parts (
    sha256 text NOT NULL REFERENCES document_blobs (sha256),
    part   integer NOT NULL CONSTRAINT document_blob_parts_part_range CHECK (part >= 0),
    data   bytea NOT NULL CONSTRAINT document_blob_parts_size CHECK (octet_length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (sha256, part)
);

CREATE TABLE documents (
    id            uuid PRIMARY KEY,
    subject_type  text NOT NULL CONSTRAINT documents_subject_type_known
                  CHECK (subject_type IN ('site', 'building', 'floor', 'room', 'agency')),
    subject_id    uuid NOT NULL,
    -- the site the subject lies in (NULL for an agency's documents), for a property's archive
    site_id       uuid REFERENCES sites (id),
    doc_type      text NOT NULL CONSTRAINT documents_doc_type_code CHECK (doc_type ~ '^[a-z0-9_.-]{1,64}$'),
    name          text NOT NULL CONSTRAINT documents_name_required CHECK (btrim(name) <> ''),
    sha256        text NOT NULL CONSTRAINT documents_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size          bigint NOT NULL CONSTRAINT documents_size_positive CHECK (size > 0),
    media_type    text NOT NULL CONSTRAINT documents_media_type_required CHECK (media_type <> ''),
    doc_date      date,
    note          text NOT NULL DEFAULT '',
    supersedes    uuid REFERENCES documents (id) CONSTRAINT documents_one_successor UNIQUE,
    version       integer NOT NULL CONSTRAINT documents_version_positive CHECK (version >= 1),
    uploaded_by   text NOT NULL,
    uploaded_at   timestamptz NOT NULL DEFAULT now(),
    hidden_at     timestamptz,
    hidden_by     text,
    hidden_reason text,
    CONSTRAINT documents_hidden_whole CHECK ((hidden_at IS NULL) = (hidden_by IS NULL)
                                             AND (hidden_at IS NULL) = (hidden_reason IS NULL)),
    CONSTRAINT documents_hidden_reason CHECK (hidden_reason IS NULL OR btrim(hidden_reason) <> ''),
    CONSTRAINT documents_first_version CHECK ((supersedes IS NULL) = (version = 1))
);
CREATE INDEX documents_subject_idx ON documents (subject_id, uploaded_at);
CREATE INDEX documents_site_idx ON documents (site_id, uploaded_at) WHERE site_id IS NOT NULL;
CREATE INDEX documents_sha256_idx ON documents (sha256);

-- documents_immutable: a document is never deleted, and an update may only hide a live one (set hidden_at,
-- hidden_by and hidden_reason, nothing else).
CREATE FUNCTION documents_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION USING ERRCODE = 'OM003',
            MESSAGE = TG_TABLE_NAME || ' keeps every row: ' || TG_OP || ' is not allowed (hide a document instead)';
    END IF;
    IF TG_TABLE_NAME <> 'documents' OR OLD.hidden_at IS NOT NULL OR NEW.hidden_at IS NULL
       OR (to_jsonb(NEW) - 'hidden_at' - 'hidden_by' - 'hidden_reason')
          IS DISTINCT FROM (to_jsonb(OLD) - 'hidden_at' - 'hidden_by' - 'hidden_reason') THEN
        RAISE EXCEPTION USING ERRCODE = 'OM003',
            MESSAGE = TG_TABLE_NAME || ' rows never change (a document may only be hidden, once)';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();
CREATE TRIGGER documents_no_truncate BEFORE TRUNCATE ON documents
    FOR EACH STATEMENT EXECUTE FUNCTION documents_immutable();
CREATE TRIGGER document_blobs_immutable BEFORE UPDATE OR DELETE ON document_blobs
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();
CREATE TRIGGER document_blob_parts_immutable BEFORE UPDATE OR DELETE ON document_blob_parts
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();

-- documents_version_chain: a new version supersedes a live document of the same subject, one further on.
CREATE FUNCTION documents_version_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    prev documents%ROWTYPE;
BEGIN
    IF NEW.supersedes IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO prev FROM documents WHERE id = NEW.supersedes FOR KEY SHARE;
    IF prev.hidden_at IS NOT NULL OR prev.subject_id <> NEW.subject_id OR prev.subject_type <> NEW.subject_type
       OR NEW.version <> prev.version + 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'documents_version_chain',
            MESSAGE = format('document %s: a new version must supersede a live document of the same subject, as version %s',
                             NEW.id, prev.version + 1);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER documents_version_chain BEFORE INSERT ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_version_chain();
