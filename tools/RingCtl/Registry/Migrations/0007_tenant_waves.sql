-- Tenant waves (issue 19): `tenant move` moves many tenants as one run ('tenant-waves', the intent row, its plan in
-- details), wave by wave ('tenant-wave', one row per wave) with one 'tenant-move' row per tenant. Each row names the
-- row it belongs to: a tenant's row its wave, a wave its run. Set at insert, never changed.
alter table operations add column parent_id bigint references operations (id);
create index operations_parent on operations (parent_id) where parent_id is not null;

alter table operations drop constraint operations_kind_check;
alter table operations add constraint operations_kind_check
    check (kind in ('tenant-move', 'promote', 'rollback', 'ring-add', 'ring-retire', 'secrets-sync', 'up', 'reconcile', 'hold-release',
                    'tenant-add', 'tenant-remove', 'set-default', 'secrets-rotate', 'tenant-waves', 'tenant-wave'));

create or replace function ringinfra_operations_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'the operations log is append-only (operation %)', old.id using errcode = 'insufficient_privilege';
    end if;
    if old.status <> 'pending' then
        raise exception 'operation % is already %', old.id, old.status using errcode = 'insufficient_privilege';
    end if;
    if (new.id, new.kind, new.rings, new.tenant, new.module, new.from_value, new.to_value, new.actor, new.reason, new.started_at, new.approved_by, new.overrides, new.notes, new.parent_id)
       is distinct from (old.id, old.kind, old.rings, old.tenant, old.module, old.from_value, old.to_value, old.actor, old.reason, old.started_at, old.approved_by, old.overrides, old.notes, old.parent_id) then
        raise exception 'operation % may only change its step, status, error and details', old.id using errcode = 'insufficient_privilege';
    end if;
    return new;
end $$;
