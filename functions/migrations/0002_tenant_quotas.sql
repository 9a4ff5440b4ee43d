-- Per-tenant quotas (decision 0043). What a tenant holds is counted here by triggers, in the same
-- transaction as the writes that change it, so an upload checks it with one primary-key read and
-- concurrent uploads cannot both slip under a limit.

-- Adapters not deleted, and the bytes of the versions they can still serve (above floor_version):
-- each version's model blob plus its manifest. A delete frees both at once.
CREATE TABLE tenant_usage (
  tenant_id TEXT PRIMARY KEY,
  adapters INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0
);

INSERT INTO tenant_usage (tenant_id, adapters, bytes)
SELECT a.tenant_id, COUNT(*), COALESCE(SUM((
  SELECT SUM(v.bytes + length(CAST(v.manifest AS BLOB))) FROM adapter_versions v
  WHERE v.tenant_id = a.tenant_id AND v.name = a.name AND v.version > a.floor_version
)), 0)
FROM adapters a WHERE a.deleted_at IS NULL GROUP BY a.tenant_id;

CREATE TRIGGER adapters_usage_insert AFTER INSERT ON adapters WHEN NEW.deleted_at IS NULL
BEGIN
  INSERT OR IGNORE INTO tenant_usage (tenant_id) VALUES (NEW.tenant_id);
  UPDATE tenant_usage SET adapters = adapters + 1 WHERE tenant_id = NEW.tenant_id;
END;

-- An upload under a deleted name revives it with no servable versions (all are below its floor).
CREATE TRIGGER adapters_usage_revive AFTER UPDATE OF deleted_at ON adapters
WHEN OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
  UPDATE tenant_usage SET adapters = adapters + 1 WHERE tenant_id = NEW.tenant_id;
END;

CREATE TRIGGER adapters_usage_delete AFTER UPDATE OF deleted_at ON adapters
WHEN OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL
BEGIN
  UPDATE tenant_usage SET
    adapters = adapters - 1,
    bytes = bytes - (
      SELECT COALESCE(SUM(v.bytes + length(CAST(v.manifest AS BLOB))), 0) FROM adapter_versions v
      WHERE v.tenant_id = NEW.tenant_id AND v.name = NEW.name AND v.version > OLD.floor_version
    )
  WHERE tenant_id = NEW.tenant_id;
END;

CREATE TRIGGER adapter_versions_usage AFTER INSERT ON adapter_versions
BEGIN
  INSERT OR IGNORE INTO tenant_usage (tenant_id) VALUES (NEW.tenant_id);
  UPDATE tenant_usage SET bytes = bytes + NEW.bytes + length(CAST(NEW.manifest AS BLOB)) WHERE tenant_id = NEW.tenant_id;
END;

-- The last statement of an upload's batch inserts here the code of any quota the batch broke;
-- the insert aborts, rolling the whole batch back. Limits are deployment vars, so the check is a
-- statement the edge binds, not a trigger on the tables.
CREATE VIEW quota_breaches (code) AS SELECT NULL WHERE 0;

CREATE TRIGGER quota_breach INSTEAD OF INSERT ON quota_breaches
BEGIN
  SELECT CASE NEW.code
    WHEN 'adapter_quota_exceeded' THEN RAISE(ABORT, 'adapter_quota_exceeded')
    WHEN 'version_quota_exceeded' THEN RAISE(ABORT, 'version_quota_exceeded')
    ELSE RAISE(ABORT, 'storage_quota_exceeded')
  END;
END;
