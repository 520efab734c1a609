-- secrets rotate (issue 15): a rotation of shared credentials rolled through every ring, logged like a sync.
alter table operations drop constraint operations_kind_check;
alter table operations add constraint operations_kind_check
    check (kind in ('tenant-move', 'promote', 'rollback', 'ring-add', 'ring-retire', 'secrets-sync', 'up', 'reconcile', 'hold-release',
                    'tenant-add', 'tenant-remove', 'set-default', 'secrets-rotate'));
