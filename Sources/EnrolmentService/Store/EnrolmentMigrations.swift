import GRDB

/// The enrolment store's own named, forward-only migrations (after the messaging tables).
public enum EnrolmentMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("enrolment.v1.sessions-enrolments-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE courseVersion (
                        courseID TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        snapshot TEXT NOT NULL,
                        PRIMARY KEY (courseID, version)
                    );
                    CREATE TABLE archivedCourse (
                        courseID TEXT PRIMARY KEY,
                        archivedAt DATETIME NOT NULL,
                        reason TEXT
                    );
                    CREATE TABLE session (
                        id TEXT PRIMARY KEY,
                        course TEXT NOT NULL,
                        academy TEXT NOT NULL,
                        schoolLevel TEXT NOT NULL,
                        district TEXT,
                        pafModule TEXT,
                        title TEXT NOT NULL,
                        calendar TEXT NOT NULL,
                        trainerIDs TEXT NOT NULL,
                        tutorIDs TEXT NOT NULL,
                        capacity INTEGER NOT NULL CHECK (capacity > 0),
                        mode TEXT NOT NULL,
                        state TEXT NOT NULL
                    );
                    CREATE INDEX session_academy ON session (academy, state);
                    CREATE TABLE enrolment (
                        id TEXT PRIMARY KEY,
                        sessionID TEXT NOT NULL REFERENCES session (id),
                        participantID TEXT NOT NULL,
                        state TEXT NOT NULL,
                        "group" TEXT,
                        acceptanceRequired INTEGER NOT NULL,
                        waitlistRank INTEGER,
                        createdAt DATETIME NOT NULL,
                        updatedAt DATETIME NOT NULL
                    );
                    -- A teacher holds at most one live enrolment per session, whatever the races.
                    CREATE UNIQUE INDEX enrolment_live ON enrolment (sessionID, participantID)
                        WHERE state NOT IN ('refused', 'withdrawn');
                    CREATE INDEX enrolment_session ON enrolment (sessionID, state, waitlistRank);
                    CREATE INDEX enrolment_participant ON enrolment (participantID);
                    CREATE TABLE transition (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        aggregate TEXT NOT NULL,
                        aggregateID TEXT NOT NULL,
                        sessionID TEXT NOT NULL,
                        command TEXT NOT NULL,
                        fromState TEXT,
                        toState TEXT NOT NULL,
                        actorID TEXT,
                        reason TEXT,
                        occurredAt DATETIME NOT NULL
                    );
                    CREATE INDEX transition_aggregate ON transition (aggregate, aggregateID, seq);
                    CREATE TABLE completedTraining (
                        enrolmentID TEXT PRIMARY KEY,
                        participantID TEXT NOT NULL,
                        schoolYear INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        completedAt DATETIME NOT NULL
                    );
                    CREATE INDEX completedTraining_teacher ON completedTraining (participantID, schoolYear);
                    """)
        }
        // Issue 16: a district's diagnosis of its teachers' needs, per school year (replaced as a whole).
        migrator.registerMigration("enrolment.v2.district-needs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE districtNeed (
                        academy TEXT NOT NULL,
                        district TEXT NOT NULL,
                        schoolYear INTEGER NOT NULL,
                        line INTEGER NOT NULL,
                        theme TEXT NOT NULL,
                        domain TEXT NOT NULL,
                        priority INTEGER NOT NULL,
                        teacherID TEXT NOT NULL,
                        hoursWished INTEGER NOT NULL,
                        PRIMARY KEY (academy, district, schoolYear, line)
                    );
                    CREATE TABLE districtDiagnosis (
                        academy TEXT NOT NULL,
                        district TEXT NOT NULL,
                        schoolYear INTEGER NOT NULL,
                        updatedBy TEXT NOT NULL,
                        updatedAt DATETIME NOT NULL,
                        PRIMARY KEY (academy, district, schoolYear)
                    );
                    CREATE INDEX session_district ON session (academy, district);
                    """)
        }
        // Issue 16: a district's training plan per school year, in versions (a draft, then published and immutable).
        migrator.registerMigration("enrolment.v3.training-plans") { db in
            try db.execute(
                sql: """
                    CREATE TABLE trainingPlan (
                        academy TEXT NOT NULL,
                        district TEXT NOT NULL,
                        schoolYear INTEGER NOT NULL,
                        version INTEGER NOT NULL CHECK (version > 0),
                        state TEXT NOT NULL CHECK (state IN ('draft', 'published')),
                        revision INTEGER NOT NULL,
                        lines TEXT NOT NULL,
                        updatedBy TEXT NOT NULL,
                        updatedAt DATETIME NOT NULL,
                        publishedBy TEXT,
                        publishedAt DATETIME,
                        PRIMARY KEY (academy, district, schoolYear, version)
                    );
                    -- A published version never changes again.
                    CREATE TRIGGER trainingPlan_published_is_immutable BEFORE UPDATE ON trainingPlan
                    WHEN OLD.state = 'published'
                    BEGIN SELECT RAISE(ABORT, 'a published training plan version is immutable'); END;
                    CREATE TRIGGER trainingPlan_published_is_kept BEFORE DELETE ON trainingPlan
                    WHEN OLD.state = 'published'
                    BEGIN SELECT RAISE(ABORT, 'a published training plan version is kept'); END;
                    """)
        }
        // Issue 16: the teacher's school and cycle in a needs diagnosis (optional columns of the file).
        migrator.registerMigration("enrolment.v4.district-need-school-cycle") { db in
            try db.execute(
                sql: """
                    ALTER TABLE districtNeed ADD COLUMN school TEXT;
                    ALTER TABLE districtNeed ADD COLUMN cycle TEXT;
                    """)
        }
        // Issue 16: what a plan version answered, frozen when it is published (a district's themes at the time).
        migrator.registerMigration("enrolment.v5.training-plan-snapshot") { db in
            try db.execute(sql: "ALTER TABLE trainingPlan ADD COLUMN snapshot TEXT")
        }
        // Issue 18: tracking's completions come in revisions (a correction revokes one): which revision the
        // enrolment has applied and which it saw revoked, and the trainings a correction took out of a record.
        migrator.registerMigration("enrolment.v6.completion-revisions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE completionRevision (
                        enrolmentID TEXT PRIMARY KEY,
                        completed INTEGER NOT NULL DEFAULT 0,
                        revoked INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO completionRevision (enrolmentID, completed) SELECT enrolmentID, 1 FROM completedTraining;
                    CREATE TABLE revokedTraining (
                        enrolmentID TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        participantID TEXT NOT NULL,
                        schoolYear INTEGER NOT NULL,
                        record TEXT NOT NULL,
                        cause TEXT NOT NULL,
                        revokedAt DATETIME NOT NULL,
                        PRIMARY KEY (enrolmentID, revision)
                    );
                    CREATE INDEX revokedTraining_teacher ON revokedTraining (participantID, schoolYear);
                    """)
        }
        // Issue 17: subscribers' replays of enrolment's completions and their revocations, rebuilt from the
        // transitions (never pruned). A replay's cursor is the last transition sent; running replays take turns
        // (stepped_at).
        migrator.registerMigration("enrolment.v7.replays") { db in
            try db.execute(
                sql: """
                    CREATE TABLE replay (
                        replay_id TEXT NOT NULL PRIMARY KEY,
                        subscriber TEXT NOT NULL,
                        request TEXT NOT NULL,
                        requested_at DATETIME NOT NULL,
                        state TEXT NOT NULL,
                        cursor_seq INTEGER NOT NULL DEFAULT 0,
                        events_sent INTEGER NOT NULL DEFAULT 0,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME,
                        stepped_at DATETIME,
                        failure TEXT,
                        finished_at DATETIME
                    );
                    CREATE INDEX replay_by_subscriber ON replay (subscriber, state);
                    CREATE INDEX transition_command ON transition (command, seq);
                    """)
        }
    }
}
