-- Every change passes the gates; the log keeps the decision: who approved, which gates were overridden,
-- notes (a rollback inside a freeze window), and refusals too (status 'refused', closed at once).
alter table operations add column approved_by text;
alter table operations add column overrides text[] not null default '{}';
alter table operations add column notes text[] not null default '{}';
alter table operations drop constraint operations_status_check;
alter table operations add constraint operations_status_check check (status in ('pending', 'succeeded', 'failed', 'abandoned', 'refused'));
alter table operations drop constraint operations_kind_check;
alter table operations add constraint operations_kind_check
    check (kind in ('tenant-move', 'promote', 'rollback', 'ring-add', 'ring-retire', 'secrets-sync', 'up', 'reconcile', 'hold-release'));

create or replace function ringinfra_operations_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'the operations log is append-only (operation %)', old.id using errcode = 'insufficient_privilege';
    end if;
    if old.status <> 'pending' then
        raise exception 'operation % is already %', old.id, old.status using errcode = 'insufficient_privilege';
    end if;
    if (new.id, new.kind, new.rings, new.tenant, new.module, new.from_value, new.to_value, new.actor, new.reason, new.started_at, new.approved_by, new.overrides, new.notes)
       is distinct from (old.id, old.kind, old.rings, old.tenant, old.module, old.from_value, old.to_value, old.actor, old.reason, old.started_at, old.approved_by, old.overrides, old.notes) then
        raise exception 'operation % may only change its step, status, error and details', old.id using errcode = 'insufficient_privilege';
    end if;
    return new;
end $$;

-- The version a ring had when the registry first recorded a module there (seeding, ring add): one a
-- rollback may return to, though no promotion into the ring ever named it.
alter table module_landings add column first_version text;
update module_landings set first_version = version;
