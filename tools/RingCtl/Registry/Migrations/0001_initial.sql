-- RingInfra registry, version 1: rings, tenants, the operations log, leases, module landings.
-- The database enforces what must never be false, whatever client writes to it.

create table module_rings (
    id               bigserial primary key,
    name             text not null unique check (name ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$' and length(name) <= 63),
    display_name     text not null,
    description      text not null default '',
    manifest_path    text not null,
    k8s_namespace    text not null unique,
    k8s_service      text not null,
    hostname_segment text not null unique check (hostname_segment ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$'),
    promotion_order  integer not null unique check (promotion_order >= 0),
    is_active        boolean not null default true,
    is_default       boolean not null default false,
    held             boolean not null default false,
    held_reason      text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    check (not (is_default and not is_active))
);

-- At most one default ring ...
create unique index module_rings_one_default on module_rings ((true)) where is_default;

-- ... and at least one, checked at commit so a transaction may swap the default.
create function ringinfra_exactly_one_default() returns trigger language plpgsql as $$
begin
    if exists (select 1 from module_rings) and (select count(*) from module_rings where is_default) <> 1 then
        raise exception 'exactly one ring must be the default (found %)',
            (select count(*) from module_rings where is_default)
            using errcode = 'check_violation', constraint = 'module_rings_exactly_one_default';
    end if;
    return null;
end $$;

create constraint trigger module_rings_exactly_one_default
    after insert or update or delete on module_rings
    deferrable initially deferred
    for each row execute function ringinfra_exactly_one_default();

create table tenants (
    id             bigserial primary key,
    name           text not null unique check (name ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$' and length(name) <= 63),
    module_ring_id bigint not null references module_rings (id),
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

create index tenants_ring on tenants (module_ring_id);

-- Every tenant is in exactly one *active* ring (the foreign key gives "exactly one").
create function ringinfra_tenant_ring_active() returns trigger language plpgsql as $$
begin
    if not (select is_active from module_rings where id = new.module_ring_id) then
        raise exception 'tenant % cannot be assigned to inactive ring %', new.name,
            (select name from module_rings where id = new.module_ring_id)
            using errcode = 'check_violation', constraint = 'tenants_ring_active';
    end if;
    return new;
end $$;

create trigger tenants_ring_active before insert or update of module_ring_id on tenants
    for each row execute function ringinfra_tenant_ring_active();

create function ringinfra_ring_keeps_tenants_active() returns trigger language plpgsql as $$
begin
    if old.is_active and not new.is_active and exists (select 1 from tenants where module_ring_id = new.id) then
        raise exception 'ring % still has tenants and cannot be deactivated', new.name
            using errcode = 'check_violation', constraint = 'module_rings_active_with_tenants';
    end if;
    return new;
end $$;

create trigger module_rings_active_with_tenants before update of is_active on module_rings
    for each row execute function ringinfra_ring_keeps_tenants_active();

-- The operations log: an intent row is written before any stack is touched and closed once.
create table operations (
    id          bigserial primary key,
    kind        text not null check (kind in ('tenant-move', 'promote', 'rollback', 'ring-add', 'ring-retire', 'secrets-sync', 'up', 'reconcile')),
    rings       text[] not null,
    tenant      text,
    module      text,
    from_value  text,
    to_value    text,
    actor       text not null,
    reason      text not null default '',
    status      text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'abandoned')),
    step        text not null default 'intent',
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    error       text,
    details     jsonb not null default '{}'::jsonb,
    check ((status = 'pending') = (finished_at is null))
);

create index operations_pending on operations (status) where status = 'pending';
create index operations_rings on operations using gin (rings);

-- Append-only: history is never rewritten. A pending row may advance its step and be closed once.
create function ringinfra_operations_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'the operations log is append-only (operation %)', old.id using errcode = 'insufficient_privilege';
    end if;
    if old.status <> 'pending' then
        raise exception 'operation % is already %', old.id, old.status using errcode = 'insufficient_privilege';
    end if;
    if (new.id, new.kind, new.rings, new.tenant, new.module, new.from_value, new.to_value, new.actor, new.reason, new.started_at)
       is distinct from (old.id, old.kind, old.rings, old.tenant, old.module, old.from_value, old.to_value, old.actor, old.reason, old.started_at) then
        raise exception 'operation % may only change its step, status, error and details', old.id using errcode = 'insufficient_privilege';
    end if;
    return new;
end $$;

create trigger operations_append_only before update or delete on operations
    for each row execute function ringinfra_operations_append_only();

-- One operation per ring at a time: a lease with an owner and an expiry, on database time.
create table ring_leases (
    ring         text primary key references module_rings (name) on update cascade on delete cascade,
    owner        text not null,
    operation_id bigint references operations (id),
    acquired_at  timestamptz not null default now(),
    expires_at   timestamptz not null
);

-- When each module version landed in each ring (the start of its bake time).
create table module_landings (
    ring      text not null references module_rings (name) on update cascade on delete cascade,
    module    text not null,
    version   text not null,
    landed_at timestamptz not null default now(),
    primary key (ring, module)
);
