-- Tenant names are host labels (RFC 1123): <tenant>.<domain> and the database tenant_<tenant>. They may
-- start with a digit ("007"); ring and namespace names still start with a letter (Kubernetes object names).
alter table tenants drop constraint tenants_name_check;
alter table tenants add constraint tenants_name_check check (name ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' and length(name) <= 63);
