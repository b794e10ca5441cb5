#!/bin/sh
# Runs once, when the Compose database is first created (docker-entrypoint-initdb.d).
# The portal serves as portal_app, a role that owns nothing: it reads and writes rows but
# cannot alter tables or switch off triggers, so the audit trail's append-only triggers hold
# against the running portal. Migrations run as the database owner (the migrate service).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$PORTAL_APP_PASSWORD" <<'SQL'
CREATE ROLE portal_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
GRANT CONNECT ON DATABASE portal TO portal_app;
GRANT USAGE ON SCHEMA public TO portal_app;
-- Everything the owner creates from now on (every migration) is usable, never ownable.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO portal_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO portal_app;
SQL
