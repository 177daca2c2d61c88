import GRDB

/// The tracking store's named, forward-only migrations.
///
/// Every table of session data is keyed by `session_id` first, so that one session's rows sit together
/// and a partition's sessions can move to a file of their own without reshaping anything. Course
/// versions are reference data (the activity plans), copied into every partition's store.
public enum TrackingMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("tracking.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE course_version (
                        course_id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        title TEXT NOT NULL,
                        activities TEXT NOT NULL,
                        published_at DATETIME NOT NULL,
                        PRIMARY KEY (course_id, version)
                    ) WITHOUT ROWID;
                    CREATE TABLE session (
                        session_id TEXT NOT NULL PRIMARY KEY,
                        partition INTEGER NOT NULL,
                        academy TEXT NOT NULL,
                        course_id TEXT NOT NULL,
                        course_version INTEGER NOT NULL,
                        school_level TEXT NOT NULL,
                        trainer_ids TEXT NOT NULL DEFAULT '[]',
                        tutor_ids TEXT NOT NULL DEFAULT '[]',
                        scheduled INTEGER NOT NULL DEFAULT 0,
                        cancelled_at DATETIME
                    ) WITHOUT ROWID;
                    CREATE TABLE enrolment (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        participant_id TEXT NOT NULL,
                        school_level TEXT,
                        status TEXT NOT NULL CHECK (status IN ('approved', 'withdrawn')),
                        approved_at DATETIME,
                        withdrawn_at DATETIME,
                        PRIMARY KEY (session_id, enrolment_id)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX enrolment_locator ON enrolment (enrolment_id);
                    CREATE TABLE activity_progress (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        activity_id TEXT NOT NULL,
                        started_at DATETIME,
                        seconds_spent INTEGER NOT NULL DEFAULT 0,
                        completed_at DATETIME,
                        best_score REAL,
                        passed_at DATETIME,
                        attendance TEXT CHECK (attendance IN ('present', 'absent', 'excused')),
                        attendance_recorded_at DATETIME,
                        attendance_recorded_by TEXT,
                        last_activity_at DATETIME,
                        PRIMARY KEY (session_id, enrolment_id, activity_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE progress_record (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        activity_id TEXT NOT NULL,
                        content TEXT NOT NULL,
                        actor_id TEXT,
                        received_at DATETIME NOT NULL,
                        PRIMARY KEY (session_id, enrolment_id, record_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE activity_completion (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        activity_id TEXT NOT NULL,
                        rule_version INTEGER NOT NULL,
                        completed_at DATETIME NOT NULL,
                        minutes INTEGER NOT NULL,
                        score REAL,
                        event_id TEXT NOT NULL,
                        PRIMARY KEY (session_id, enrolment_id, activity_id, rule_version)
                    ) WITHOUT ROWID;
                    CREATE TABLE course_completion (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        rule_version INTEGER NOT NULL,
                        completed_at DATETIME NOT NULL,
                        distance_minutes INTEGER NOT NULL,
                        in_person_minutes INTEGER NOT NULL,
                        criteria_met TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        PRIMARY KEY (session_id, enrolment_id, rule_version)
                    ) WITHOUT ROWID;
                    CREATE TABLE xapi_statement (
                        statement_id TEXT NOT NULL PRIMARY KEY,
                        session_id TEXT,
                        registration TEXT,
                        actor_key TEXT,
                        verb_id TEXT NOT NULL,
                        object_id TEXT,
                        voided_statement_id TEXT,
                        stored_ms INTEGER NOT NULL,
                        voided INTEGER NOT NULL DEFAULT 0,
                        fingerprint TEXT NOT NULL,
                        body TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX xapi_statement_by_session ON xapi_statement (session_id, stored_ms);
                    CREATE INDEX xapi_statement_by_stored ON xapi_statement (stored_ms, statement_id);
                    """)
        }
        // Trust edges (issue 11): a participant's own attendance is a claim, never credit; the session's
        // start bounds completion times; early cancellations are kept until their session arrives; staff
        // backdating is audited.
        migrator.registerMigration("tracking.v2.claims-session-start-audit") { db in
            try db.execute(
                sql: """
                    ALTER TABLE activity_progress ADD COLUMN attendance_claimed_at DATETIME;
                    -- Attendance a participant recorded for themselves (xAPI 'attended') becomes a claim.
                    UPDATE activity_progress SET
                        attendance_claimed_at = attendance_recorded_at,
                        attendance = NULL, attendance_recorded_at = NULL, attendance_recorded_by = NULL
                    WHERE attendance IS NOT NULL AND attendance_recorded_by = (
                        SELECT participant_id FROM enrolment
                        WHERE enrolment.session_id = activity_progress.session_id
                          AND enrolment.enrolment_id = activity_progress.enrolment_id);
                    ALTER TABLE session ADD COLUMN starts_at DATETIME;
                    ALTER TABLE session ADD COLUMN staff_changed INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE session ADD COLUMN staff_changed_at DATETIME;
                    CREATE TABLE early_cancellation (
                        session_id TEXT NOT NULL PRIMARY KEY,
                        cancelled_at DATETIME NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE audit_entry (
                        session_id TEXT NOT NULL,
                        recorded_at DATETIME NOT NULL,
                        actor_id TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX audit_entry_by_session ON audit_entry (session_id, recorded_at);
                    """)
        }
        // Partitions: which session each enrolment is in (kept in EVERY partition's file, so that any instance
        // knows where to send a report), and the outcomes of reports forwarded from another instance.
        migrator.registerMigration("tracking.v3.partition-directory") { db in
            try db.execute(
                sql: """
                    CREATE TABLE enrolment_directory (
                        enrolment_id TEXT NOT NULL PRIMARY KEY,
                        session_id TEXT NOT NULL,
                        participant_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO enrolment_directory (enrolment_id, session_id, participant_id)
                        SELECT enrolment_id, session_id, participant_id FROM enrolment;
                    CREATE TABLE forwarded_request (
                        request_id TEXT NOT NULL PRIMARY KEY,
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        decided_at DATETIME NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Issue 18: the xAPI document resources (State, Activity Profile, Agent Profile).
        migrator.registerMigration("tracking.v4.xapi-documents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE xapi_document (
                        kind TEXT NOT NULL,
                        activity_id TEXT NOT NULL,
                        agent_key TEXT NOT NULL,
                        registration TEXT NOT NULL,
                        document_id TEXT NOT NULL,
                        content_type TEXT NOT NULL,
                        content BLOB NOT NULL,
                        etag TEXT NOT NULL,
                        updated_ms INTEGER NOT NULL,
                        PRIMARY KEY (kind, activity_id, agent_key, registration, document_id)
                    ) WITHOUT ROWID;
                    """)
        }
        // Issue 18: statement attachments, by the SHA-256 of their content.
        migrator.registerMigration("tracking.v5.xapi-attachments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE xapi_attachment (
                        sha2 TEXT NOT NULL PRIMARY KEY,
                        content_type TEXT NOT NULL,
                        content BLOB NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // Issue 18: completion rules as course content (groups, minimum time, a designer's corrections of a
        // published version's rules as revisions) and corrections: an enrolment's
        // completions become revisions (revoked by a correction, the next revision when completed again); a
        // voided statement's progress record is kept, marked, and no longer counts.
        migrator.registerMigration("tracking.v6.completion-rules-corrections") { db in
            try db.execute(
                sql: """
                    ALTER TABLE course_version ADD COLUMN completion_groups TEXT NOT NULL DEFAULT '[]';
                    ALTER TABLE course_version ADD COLUMN rules_revision INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE activity_progress ADD COLUMN minimum_time_met_at DATETIME;
                    ALTER TABLE activity_progress ADD COLUMN rules_revision INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE progress_record ADD COLUMN voided_at DATETIME;
                    CREATE TABLE course_completion_revision (
                        session_id TEXT NOT NULL,
                        enrolment_id TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        rule_version INTEGER NOT NULL,
                        rules_revision INTEGER NOT NULL DEFAULT 1,
                        completed_at DATETIME NOT NULL,
                        distance_minutes INTEGER NOT NULL,
                        in_person_minutes INTEGER NOT NULL,
                        criteria_met TEXT NOT NULL,
                        event_id TEXT NOT NULL,
                        recorded_at DATETIME NOT NULL,
                        revoked_at DATETIME,
                        revocation_cause TEXT,
                        revocation_event_id TEXT,
                        PRIMARY KEY (session_id, enrolment_id, revision)
                    ) WITHOUT ROWID;
                    -- When a completion was recorded was not kept before: its completion time is the best estimate.
                    INSERT INTO course_completion_revision (session_id, enrolment_id, revision, rule_version,
                        completed_at, distance_minutes, in_person_minutes, criteria_met, event_id, recorded_at)
                    SELECT session_id, enrolment_id,
                        ROW_NUMBER() OVER (PARTITION BY session_id, enrolment_id ORDER BY rule_version),
                        rule_version, completed_at, distance_minutes, in_person_minutes, criteria_met, event_id,
                        completed_at
                    FROM course_completion;
                    DROP TABLE course_completion;
                    ALTER TABLE course_completion_revision RENAME TO course_completion;
                    CREATE INDEX course_completion_by_recorded ON course_completion (recorded_at);
                    CREATE INDEX course_completion_by_revoked ON course_completion (revoked_at)
                        WHERE revoked_at IS NOT NULL;
                    -- Issue 17: subscribers' replays. A replay lives in its home partition's file; each partition's
                    -- share of it (its completions) is a part, in that partition's file, sent by its owner.
                    CREATE TABLE replay (
                        replay_id TEXT NOT NULL PRIMARY KEY,
                        subscriber TEXT NOT NULL,
                        request TEXT NOT NULL,
                        requested_at DATETIME NOT NULL,
                        state TEXT NOT NULL,
                        parts_total INTEGER NOT NULL,
                        parts_done INTEGER NOT NULL DEFAULT 0,
                        events_sent INTEGER NOT NULL DEFAULT 0,
                        failures TEXT NOT NULL DEFAULT '[]',
                        finished_at DATETIME
                    ) WITHOUT ROWID;
                    CREATE INDEX replay_by_subscriber ON replay (subscriber, state);
                    CREATE TABLE replay_part (
                        replay_id TEXT NOT NULL,
                        partition INTEGER NOT NULL,
                        request TEXT NOT NULL,
                        state TEXT NOT NULL,
                        cursor_time DATETIME,
                        cursor_id TEXT,
                        sent INTEGER NOT NULL DEFAULT 0,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        failure TEXT,
                        PRIMARY KEY (replay_id, partition)
                    ) WITHOUT ROWID;
                    CREATE INDEX replay_part_open ON replay_part (replay_id, partition)
                        WHERE state IN ('pending', 'sent', 'failing');
                    """)
        }
    }
}
