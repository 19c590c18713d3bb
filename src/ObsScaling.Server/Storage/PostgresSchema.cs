using System.Globalization;

namespace ObsScaling.Server.Storage;

/// <summary>
/// The PostgreSQL schema as numbered migrations, applied at start-up in one transaction under a transaction-level
/// advisory lock: replicas starting at once queue on the lock, and the second finds the work done. A database at a
/// newer version than this build knows is refused (an older server would write rows the newer schema's rules do
/// not expect), naming both versions.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key of migrations (any constant no other lock uses: "obs" "sc" in ASCII).</summary>
    private const long MigrationLock = 0x6F627373_63L;

    /// <summary>Migrations in order; entry i brings the schema to version i + 1. Never edit a shipped one: add one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE datasets (
            id text PRIMARY KEY,
            revision bigint NOT NULL,
            etag text NOT NULL,
            body bytea NOT NULL);
        CREATE TABLE models (
            dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            name text NOT NULL,
            ordinal integer NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (dataset_id, name));
        CREATE INDEX models_by_ordinal ON models(dataset_id, ordinal);
        CREATE TABLE fits (
            dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            id text NOT NULL,
            create_time timestamptz NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (dataset_id, id));
        CREATE TABLE forecasts (
            dataset_id text NOT NULL,
            fit_id text NOT NULL,
            id text NOT NULL,
            seq bigint NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (dataset_id, fit_id, id),
            FOREIGN KEY (dataset_id, fit_id) REFERENCES fits(dataset_id, id) ON DELETE CASCADE);
        CREATE INDEX forecasts_by_seq ON forecasts(dataset_id, fit_id, seq);

        CREATE TABLE preregistrations (
            ledger_id text NOT NULL,
            id text NOT NULL,
            seq bigint NOT NULL,
            create_time timestamptz NOT NULL,
            fit text NOT NULL,
            model text NOT NULL,
            target text NOT NULL,
            data_hash text NOT NULL,
            predicted_raw double precision NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (ledger_id, id),
            UNIQUE (ledger_id, seq));
        CREATE TABLE preregistration_scores (
            ledger_id text NOT NULL,
            entry_id text NOT NULL,
            score_time timestamptz NOT NULL,
            observed_raw double precision NOT NULL,
            body bytea NOT NULL,
            PRIMARY KEY (ledger_id, entry_id),
            FOREIGN KEY (ledger_id, entry_id) REFERENCES preregistrations(ledger_id, id));
        CREATE TABLE preregistration_requests (
            ledger_id text NOT NULL,
            request_id text NOT NULL,
            content_sha256 text NOT NULL,
            first_seq bigint NOT NULL,
            last_seq bigint NOT NULL,
            create_time timestamptz NOT NULL,
            PRIMARY KEY (ledger_id, request_id));

        -- The ledger is append-only in the database: any UPDATE, DELETE or TRUNCATE is refused, and so is an
        -- insert that collides with a recorded row (a BEFORE INSERT trigger runs before ON CONFLICT is resolved,
        -- so neither DO UPDATE nor DO NOTHING gets to touch or shadow a recorded entry).
        CREATE FUNCTION obs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        CREATE FUNCTION obs_preregistrations_no_replace() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM preregistrations WHERE ledger_id = NEW.ledger_id AND (id = NEW.id OR seq = NEW.seq)) THEN
                RAISE EXCEPTION 'preregistrations are immutable: an entry cannot be replaced' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE FUNCTION obs_preregistration_scores_no_replace() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM preregistration_scores WHERE ledger_id = NEW.ledger_id AND entry_id = NEW.entry_id) THEN
                RAISE EXCEPTION 'preregistration scores are final: a score cannot be replaced' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            -- The foreign key says the same, but session_replication_role = replica switches foreign keys off.
            IF NOT EXISTS (SELECT 1 FROM preregistrations WHERE ledger_id = NEW.ledger_id AND id = NEW.entry_id) THEN
                RAISE EXCEPTION 'a score needs a recorded entry' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$;
        CREATE FUNCTION obs_preregistration_requests_no_replace() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM preregistration_requests WHERE ledger_id = NEW.ledger_id AND request_id = NEW.request_id) THEN
                RAISE EXCEPTION 'a request ID is recorded once' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$;

        CREATE TRIGGER preregistrations_no_replace BEFORE INSERT ON preregistrations FOR EACH ROW EXECUTE FUNCTION obs_preregistrations_no_replace();
        CREATE TRIGGER preregistrations_no_update BEFORE UPDATE ON preregistrations FOR EACH ROW EXECUTE FUNCTION obs_refuse('preregistrations are immutable: an entry cannot be updated');
        CREATE TRIGGER preregistrations_no_delete BEFORE DELETE ON preregistrations FOR EACH ROW EXECUTE FUNCTION obs_refuse('preregistrations are immutable: an entry cannot be deleted');
        CREATE TRIGGER preregistrations_no_truncate BEFORE TRUNCATE ON preregistrations FOR EACH STATEMENT EXECUTE FUNCTION obs_refuse('preregistrations are immutable: the ledger cannot be truncated');
        CREATE TRIGGER preregistration_scores_no_replace BEFORE INSERT ON preregistration_scores FOR EACH ROW EXECUTE FUNCTION obs_preregistration_scores_no_replace();
        CREATE TRIGGER preregistration_scores_no_update BEFORE UPDATE ON preregistration_scores FOR EACH ROW EXECUTE FUNCTION obs_refuse('preregistration scores are final: a score cannot be updated');
        CREATE TRIGGER preregistration_scores_no_delete BEFORE DELETE ON preregistration_scores FOR EACH ROW EXECUTE FUNCTION obs_refuse('preregistration scores are final: a score cannot be deleted');
        CREATE TRIGGER preregistration_scores_no_truncate BEFORE TRUNCATE ON preregistration_scores FOR EACH STATEMENT EXECUTE FUNCTION obs_refuse('preregistration scores are final: the scores cannot be truncated');
        CREATE TRIGGER preregistration_requests_no_replace BEFORE INSERT ON preregistration_requests FOR EACH ROW EXECUTE FUNCTION obs_preregistration_requests_no_replace();
        CREATE TRIGGER preregistration_requests_no_update BEFORE UPDATE ON preregistration_requests FOR EACH ROW EXECUTE FUNCTION obs_refuse('recorded requests are immutable');
        CREATE TRIGGER preregistration_requests_no_delete BEFORE DELETE ON preregistration_requests FOR EACH ROW EXECUTE FUNCTION obs_refuse('recorded requests are immutable');
        CREATE TRIGGER preregistration_requests_no_truncate BEFORE TRUNCATE ON preregistration_requests FOR EACH STATEMENT EXECUTE FUNCTION obs_refuse('recorded requests are immutable');

        -- ALWAYS: the triggers fire under session_replication_role = replica too, which skips ordinary triggers.
        ALTER TABLE preregistrations ENABLE ALWAYS TRIGGER preregistrations_no_replace;
        ALTER TABLE preregistrations ENABLE ALWAYS TRIGGER preregistrations_no_update;
        ALTER TABLE preregistrations ENABLE ALWAYS TRIGGER preregistrations_no_delete;
        ALTER TABLE preregistrations ENABLE ALWAYS TRIGGER preregistrations_no_truncate;
        ALTER TABLE preregistration_scores ENABLE ALWAYS TRIGGER preregistration_scores_no_replace;
        ALTER TABLE preregistration_scores ENABLE ALWAYS TRIGGER preregistration_scores_no_update;
        ALTER TABLE preregistration_scores ENABLE ALWAYS TRIGGER preregistration_scores_no_delete;
        ALTER TABLE preregistration_scores ENABLE ALWAYS TRIGGER preregistration_scores_no_truncate;
        ALTER TABLE preregistration_requests ENABLE ALWAYS TRIGGER preregistration_requests_no_replace;
        ALTER TABLE preregistration_requests ENABLE ALWAYS TRIGGER preregistration_requests_no_update;
        ALTER TABLE preregistration_requests ENABLE ALWAYS TRIGGER preregistration_requests_no_delete;
        ALTER TABLE preregistration_requests ENABLE ALWAYS TRIGGER preregistration_requests_no_truncate;
        """,
        """
        -- Refits published by any replica, for the others' watchers (PostgresRefitFeed): read after a NOTIFY, and
        -- after a reconnection from the last id seen.
        CREATE TABLE refit_events (
            id bigserial PRIMARY KEY,
            dataset_id text NOT NULL,
            revision bigint NOT NULL,
            origin uuid NOT NULL,
            create_time timestamptz NOT NULL DEFAULT now(),
            body bytea NOT NULL);
        CREATE INDEX refit_events_by_time ON refit_events(create_time);
        """,
    ];

    /// <summary>The newest version this build knows.</summary>
    public static int Latest => Migrations.Length;

    /// <summary>Brings the database to <see cref="Latest"/>; returns the version it is at.</summary>
    public static int Migrate(PostgresDatabase database) => database.Transaction((c, tx) =>
    {
        PostgresDatabase.Execute(c, tx, "SELECT pg_advisory_xact_lock(@key)", ("key", MigrationLock));
        PostgresDatabase.Execute(c, tx, "CREATE TABLE IF NOT EXISTS obsscaling_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        var current = Convert.ToInt32(PostgresDatabase.Scalar(c, tx, "SELECT COALESCE(MAX(version), 0) FROM obsscaling_schema"), CultureInfo.InvariantCulture);
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"Refusing to start: the PostgreSQL database {database.Target} is at schema version {current}, newer than this build knows (version {Latest}). " +
                "A newer server migrated it; run that version (or newer) of the server against this database.");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            PostgresDatabase.Execute(c, tx, Migrations[version - 1]);
            PostgresDatabase.Execute(c, tx, "INSERT INTO obsscaling_schema(version) VALUES (@v)", ("v", version));
        }

        return Latest;
    });
}
