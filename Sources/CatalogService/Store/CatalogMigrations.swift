import GRDB

/// The catalogue's named, forward-only schema migrations (`catalog.v1`, …), applied by ``CatalogStore/open(path:)``.
public enum CatalogMigrations {
    /// Registers the catalogue's migrations after the messaging tables.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("catalog.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE catalog_course (
                        id TEXT PRIMARY KEY NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
                        revision INTEGER NOT NULL,
                        draft TEXT,
                        latest_version INTEGER NOT NULL DEFAULT 0,
                        derived_from_course TEXT,
                        derived_from_version INTEGER,
                        created_at DATETIME NOT NULL,
                        updated_at DATETIME NOT NULL,
                        archived_at DATETIME,
                        archive_reason TEXT
                    );
                    CREATE INDEX catalog_course_derived_from ON catalog_course (derived_from_course);
                    CREATE TABLE catalog_course_version (
                        course_id TEXT NOT NULL REFERENCES catalog_course (id),
                        version INTEGER NOT NULL,
                        snapshot TEXT NOT NULL,
                        published_at DATETIME NOT NULL,
                        PRIMARY KEY (course_id, version)
                    );
                    -- Sessions pin versions: a published version never changes and is never deleted.
                    CREATE TRIGGER catalog_course_version_no_update BEFORE UPDATE ON catalog_course_version
                    BEGIN SELECT RAISE(ABORT, 'published course versions are immutable'); END;
                    CREATE TRIGGER catalog_course_version_no_delete BEFORE DELETE ON catalog_course_version
                    BEGIN SELECT RAISE(ABORT, 'published course versions are immutable'); END;
                    -- The latest published version of each course in the offer; diacritics folded so that
                    -- "évaluation" and "evaluation" are the same token.
                    CREATE VIRTUAL TABLE catalog_search USING fts5 (
                        course_id UNINDEXED, title, summary, objectives, keywords,
                        tokenize = 'unicode61 remove_diacritics 2'
                    );
                    """)
        }
        // Issue 18: corrections of a published version's completion rules, as revisions (revision 1 is the rules
        // as published, in the version's snapshot, which never changes).
        migrator.registerMigration("catalog.v2.rules-revisions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE catalog_rules_revision (
                        course_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        revision INTEGER NOT NULL,
                        event TEXT NOT NULL,
                        PRIMARY KEY (course_id, version, revision),
                        FOREIGN KEY (course_id, version) REFERENCES catalog_course_version (course_id, version)
                    );
                    CREATE TRIGGER catalog_rules_revision_no_update BEFORE UPDATE ON catalog_rules_revision
                    BEGIN SELECT RAISE(ABORT, 'rules revisions are immutable'); END;
                    CREATE TRIGGER catalog_rules_revision_no_delete BEFORE DELETE ON catalog_rules_revision
                    BEGIN SELECT RAISE(ABORT, 'rules revisions are immutable'); END;
                    """)
        }
    }
}
