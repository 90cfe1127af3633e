// The schema, as versioned migrations: a store written by an older LossCast is brought
// forward when opened, and never rewritten behind a migration's back.
import GRDB

extension RunStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runs, configuration, points, files, resources") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ingested_file (
                        key INTEGER PRIMARY KEY,
                        path TEXT NOT NULL,
                        content_hash TEXT NOT NULL UNIQUE,
                        size INTEGER NOT NULL,
                        format TEXT NOT NULL,
                        source TEXT NOT NULL,
                        ingested_at TEXT NOT NULL,
                        runs_added INTEGER NOT NULL,
                        runs_duplicate INTEGER NOT NULL,
                        rejected INTEGER NOT NULL
                    );
                    CREATE TABLE run (
                        key INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        source TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('ok', 'diverged', 'truncated')),
                        status_reason TEXT,
                        target_loss TEXT NOT NULL,
                        final_loss REAL,
                        params REAL,
                        tokens REAL,
                        parameter_convention TEXT NOT NULL,
                        configuration TEXT NOT NULL,
                        point_count INTEGER NOT NULL,
                        provenance TEXT NOT NULL,
                        file_key INTEGER NOT NULL REFERENCES ingested_file(key) ON DELETE CASCADE
                    );
                    CREATE INDEX run_by_source ON run(source, status);
                    CREATE INDEX run_by_size ON run(source, params, tokens);
                    CREATE TABLE config_value (
                        run_key INTEGER NOT NULL REFERENCES run(key) ON DELETE CASCADE,
                        field TEXT NOT NULL,
                        number REAL,
                        text TEXT,
                        PRIMARY KEY (run_key, field)
                    ) WITHOUT ROWID;
                    CREATE INDEX config_value_by_field ON config_value(field, number);
                    CREATE TABLE point (
                        run_key INTEGER NOT NULL REFERENCES run(key) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        step REAL,
                        tokens REAL,
                        lr REAL,
                        loss REAL NOT NULL,
                        losses TEXT NOT NULL,
                        PRIMARY KEY (run_key, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE resource (
                        key INTEGER PRIMARY KEY,
                        model TEXT NOT NULL,
                        record TEXT NOT NULL,
                        parameters REAL,
                        training_compute REAL,
                        dataset_size REAL,
                        file_key INTEGER NOT NULL REFERENCES ingested_file(key) ON DELETE CASCADE
                    );
                    CREATE TABLE rejection (
                        key INTEGER PRIMARY KEY,
                        file_key INTEGER NOT NULL REFERENCES ingested_file(key) ON DELETE CASCADE,
                        line INTEGER,
                        field TEXT,
                        problem TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }
}
