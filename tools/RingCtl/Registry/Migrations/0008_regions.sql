-- Rings across clusters and regions (issue 20, docs 003/004). A tenant may have a home region: null means every region
-- of its ring serves it. `tenant assign --region` changes it as one logged operation ('tenant-region').
alter table tenants add column home_region text
    check (home_region is null or (home_region ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$' and length(home_region) <= 63));

alter table operations drop constraint operations_kind_check;
alter table operations add constraint operations_kind_check
    check (kind in ('tenant-move', 'promote', 'rollback', 'ring-add', 'ring-retire', 'secrets-sync', 'up', 'reconcile', 'hold-release',
                    'tenant-add', 'tenant-remove', 'set-default', 'secrets-rotate', 'tenant-waves', 'tenant-wave', 'tenant-region'));

-- What each cluster of a ring last received (`status` shows it per cluster): the lock it was updated to, or the update
-- that failed there. Written by every update of a ring with clusters, cluster by cluster.
create table cluster_rollouts (
    ring       text not null,
    cluster    text not null check (cluster ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$'),
    region     text not null,
    lock_hash  text not null,
    state      text not null check (state in ('updated', 'failed')),
    message    text,
    at         timestamptz not null default now(),
    primary key (ring, cluster)
);
