-- fitcheck:compatible
-- Whether binaries built before a migration keep working on a database that
-- has it, recorded as each migration is applied (see data/migrate.go), so
-- an older binary, which has never seen the migration, can still read it:
-- it stays ready (/readyz 200) on a database a newer binary migrated, as
-- long as every migration it does not know is marked compatible.
ALTER TABLE schema_migrations ADD COLUMN compatible INTEGER NOT NULL DEFAULT 0;
