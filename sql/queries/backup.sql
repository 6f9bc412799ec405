-- Backup and restore: what a database holds, table by table (matchmaker backup / restore).

-- name: table_rows_statement
-- The statement that counts every table's rows exactly (one UNION ALL branch per table). It is
-- written here, by PostgreSQL, from the catalog's names quoted with format(): no input goes in.
-- (query_to_xml would count in one statement, but the embedded server is built without libxml.)
SELECT coalesce(
         string_agg(format('SELECT %L AS name, count(*) AS rows FROM %I.%I',
                           t.tablename, t.schemaname, t.tablename),
                    ' UNION ALL ' ORDER BY t.tablename),
         'SELECT NULL::text AS name, 0::bigint AS rows WHERE false')
FROM pg_tables t
WHERE t.schemaname = 'public'

-- name: schema_objects
-- How many relations (tables, views, sequences …) the schema holds: a database without any has
-- never been migrated, so a restore cannot overwrite anything in it.
SELECT count(*) AS objects
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'

-- name: server_version
-- The server's major version (16 for 16.2), to pick client tools that can talk to it.
SELECT current_setting('server_version_num')::int / 10000 AS major
