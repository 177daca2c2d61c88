import GRDB

// The domain types are stored as they are: one row each, nested values as JSON columns.

extension Session: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"

    public enum Columns {
        public static let id = Column("id")
        public static let academy = Column("academy")
        public static let state = Column("state")
    }
}

extension Enrolment: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "enrolment"

    public enum Columns {
        public static let id = Column("id")
        public static let sessionID = Column("sessionID")
        public static let participantID = Column("participantID")
        public static let state = Column("state")
        public static let waitlistRank = Column("waitlistRank")
        public static let createdAt = Column("createdAt")
    }
}
