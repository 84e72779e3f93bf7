"""The replica: SQLite (or PostgreSQL) through SQLAlchemy; every write to it goes through this package
(services and sync may read it directly).

db          the engine, SQLite's durability settings, write/read transactions, the schema upgrade (Alembic)
models      the tables: events, products, items, scans (append-only), outbox, conflicts, leases, sync_state,
            customers, provisional_items, venue_keys
replica     the redeem flow's reads and writes: load an item, take one use, give it back, append a scan, upserts
outbox      the outbox state machine: every operation and every guarded change of its state; what waits to sync
sync_state  small JSON values by key: download cursors, a recorded bulk issue, what Voucherify last got
lease       one holder at a time for a job (the upload), with an expiry it renews
customers   the project's customers: stored, found by id or email, searched
provisional items issued offline: created with their ISSUE, counted by the issue rules, mapped to the server's
venue_keys  the venue's Ed25519 keys for provisional codes: the signing pair and the trusted public keys
snapshot    a venue door's own SQLite copy of the venue replica: refreshed, and merged back after an outage
venue       a venue's shared PostgreSQL replica: `usher venue init`, the kiosks' role, the connection test
text        text as every replica database can store it (no NUL, no lone surrogate, lengths enforced)
pg_server   a throwaway PostgreSQL server for the tests and the benchmarks
migrations  Alembic revisions, applied at start
"""
