-- Module upgrades (issue 16): a module version's migrations and onUpgrade hooks run once, in the first ring that
-- receives it; tenant databases are shared by every ring. Seeding records every version some lock already runs.
create table module_upgrades (
    module      text not null,
    version     text not null,
    ring        text not null,
    upgraded_at timestamptz not null default now(),
    primary key (module, version)
);
