-- Graft control plane. Blobs live in R2; these rows say which blobs exist and which one serves.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

-- Only the SHA-256 of a key is stored; the key itself is shown once, at creation.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  key_sha256 TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);

-- Deleting an adapter is soft: the name stops resolving, and versions up to floor_version stay
-- hidden if the name is uploaded again, so version numbers (and cache keys) are never reused.
CREATE TABLE adapters (
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT,
  floor_version INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE adapter_versions (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version > 0),
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  blob_key TEXT NOT NULL,
  manifest TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name, version),
  FOREIGN KEY (tenant_id, name) REFERENCES adapters (tenant_id, name)
);

-- Versions are immutable: enforced here too, not only by the code that writes them.
CREATE TRIGGER adapter_versions_no_update BEFORE UPDATE ON adapter_versions
BEGIN
  SELECT RAISE(ABORT, 'adapter versions are immutable');
END;

CREATE TRIGGER adapter_versions_no_delete BEFORE DELETE ON adapter_versions
BEGIN
  SELECT RAISE(ABORT, 'adapter versions are immutable');
END;

-- Which version serves: one row per adapter, changed by a single statement.
CREATE TABLE aliases (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name),
  FOREIGN KEY (tenant_id, name, version) REFERENCES adapter_versions (tenant_id, name, version)
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  tenant_id TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);
