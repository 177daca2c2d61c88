import GRDB

/// The outbox and inbox tables every service store carries beside its own data.
public enum MessagingMigrations {
    /// Registers the messaging tables' named migrations; call before the service's own migrations.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("messaging.v1.outbox-inbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE magistere_outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        source TEXT NOT NULL,
                        subject TEXT,
                        time DATETIME NOT NULL,
                        body BLOB NOT NULL,
                        headers TEXT NOT NULL DEFAULT '{}',
                        created_at DATETIME NOT NULL,
                        published_at DATETIME,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT
                    );
                    CREATE INDEX magistere_outbox_pending ON magistere_outbox (seq) WHERE published_at IS NULL;
                    CREATE TABLE magistere_inbox (
                        consumer TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        received_at DATETIME NOT NULL,
                        PRIMARY KEY (consumer, message_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX magistere_inbox_age ON magistere_inbox (received_at);
                    """)
        }
        // Publishes became mandatory: a row the broker confirmed but no queue took is marked so, not
        // counted as delivered.
        migrator.registerMigration("messaging.v2.outbox-unroutable") { db in
            try db.execute(sql: "ALTER TABLE magistere_outbox ADD COLUMN unroutable BOOLEAN NOT NULL DEFAULT 0")
        }
        // Pruning deletes published rows in bounded batches, oldest first: without an index on the
        // publication time (published rows only: pending ones are never pruned) each batch would scan
        // the table while holding the write lock.
        migrator.registerMigration("messaging.v3.outbox-published-index") { db in
            try db.execute(
                sql: """
                    CREATE INDEX magistere_outbox_published ON magistere_outbox (published_at)
                        WHERE published_at IS NOT NULL
                    """)
        }
    }
}
