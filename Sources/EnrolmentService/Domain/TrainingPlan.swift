import Contracts
import Foundation

/// A district's training plan for a school year (issue 16), as the inspector writes it: each line a need of the
/// year's diagnosis (its theme), a session of the district that answers it and a teacher planned into that session.
/// A session may answer several themes; a teacher may be planned into several sessions.
///
/// Format (CSV, header line 1): `theme,sessionID,teacherID`; blank lines are ignored; fields may be double-quoted.
/// The file is read and checked as a whole, first on its own (``parse(_:)``), then against the diagnosis and the
/// sessions the service keeps (``check(against:)``): any bad line refuses the whole file.
public struct TrainingPlanFile: Sendable, Equatable {
    public struct Line: Sendable, Equatable, Codable {
        public let line: Int
        public let theme: String
        public let sessionID: String
        public let teacherID: String

        public init(line: Int, theme: String, sessionID: String, teacherID: String) {
            self.line = line
            self.theme = theme
            self.sessionID = sessionID
            self.teacherID = teacherID
        }
    }

    /// Where the plan belongs and what it can name: the district's diagnosis of the year and the sessions its lines
    /// name (those the store knows).
    public struct Scope: Sendable {
        public let academy: String
        public let district: String
        public let schoolYear: SchoolYear
        public let diagnosis: NeedsDiagnosis
        public let sessions: [String: PlannableSession]

        public init(
            academy: String, district: String, schoolYear: SchoolYear, diagnosis: NeedsDiagnosis,
            sessions: [String: PlannableSession]
        ) {
            self.academy = academy
            self.district = district
            self.schoolYear = schoolYear
            self.diagnosis = diagnosis
            self.sessions = sessions
        }
    }

    public static let header = ["theme", "sessionID", "teacherID"]
    public static let maximumLines = DesignationList.maximumEntries

    public let lines: [Line]

    public init(lines: [Line]) { self.lines = lines }

    /// The sessions the plan names, each once, in the order they first appear.
    public var sessionIDs: [String] { lines.map(\.sessionID).uniqued() }

    /// Parses and checks every line on its own; throws every bad line at once.
    public static func parse(_ text: String) throws(DistrictFileRejected) -> TrainingPlanFile {
        typealias LineError = DesignationList.LineError
        var (rows, errors) = try DistrictFileRejected.File.plan.rows(of: text, header: header)
        var lines: [Line] = []
        var seen: [String: Int] = [:]
        for (line, values) in rows {
            let (theme, session, teacher) = (values[0], values[1], values[2])
            var lineErrors: [LineError] = []
            if theme.isEmpty || theme.count > 200 {
                lineErrors.append(LineError(line: line, field: "theme", problem: "1 to 200 characters"))
            }
            if !PseudonymousIdentifier.isValid(session) {
                lineErrors.append(
                    LineError(line: line, field: "sessionID", problem: "a session id (letters, digits, - _ . :)"))
            }
            if !PseudonymousIdentifier.isValid(teacher) {
                lineErrors.append(
                    LineError(
                        line: line, field: "teacherID",
                        problem: "must be a pseudonymous id (letters, digits, - _ . :), never a name or an e-mail"))
            } else if let first = seen["\(session)\u{0}\(teacher)"] {
                lineErrors.append(
                    LineError(
                        line: line, field: "teacherID",
                        problem: "already planned into this session on line \(first)"))
            }
            guard lineErrors.isEmpty else {
                errors += lineErrors
                continue
            }
            seen["\(session)\u{0}\(teacher)"] = line
            lines.append(Line(line: line, theme: theme, sessionID: session, teacherID: teacher))
        }
        try DistrictFileRejected.File.plan.conclude(
            errors, rows: rows, kept: lines.count, maximum: maximumLines, ifEmpty: "the file plans no session")
        return TrainingPlanFile(lines: lines)
    }

    /// Checks every line against the district's diagnosis and sessions: the theme is one of the diagnosis, the
    /// teacher one it concerns, the session one of the district in the school year, not cancelled, with a seat for
    /// every teacher planned into it. Throws every bad line at once.
    public func check(against scope: Scope) throws(DistrictFileRejected) {
        typealias LineError = DesignationList.LineError
        let themes = Set(scope.diagnosis.needs.map(\.theme))
        let teachers = Set(scope.diagnosis.teachers)
        var errors: [LineError] = []
        var seats = PlannableSession.Seats()
        for line in lines {
            if !themes.contains(line.theme) {
                errors.append(
                    LineError(
                        line: line.line, field: "theme",
                        problem: "not a theme of the district's needs diagnosis for \(scope.schoolYear)"))
            }
            if !teachers.contains(line.teacherID) {
                errors.append(
                    LineError(
                        line: line.line, field: "teacherID",
                        problem: "not a teacher of the district's needs diagnosis for \(scope.schoolYear)"))
            }
            guard let session = scope.sessions[line.sessionID] else {
                errors.append(LineError(line: line.line, field: "sessionID", problem: "no such session"))
                continue
            }
            if let problem = session.problem(inAcademy: scope.academy, schoolYear: scope.schoolYear)
                ?? (session.district == scope.district
                    ? nil : "not a session of district \(scope.district) (academy \(scope.academy))")
            {
                errors.append(LineError(line: line.line, field: "sessionID", problem: problem))
                continue
            }
            if let problem = seats.take(in: session) {
                errors.append(LineError(line: line.line, field: "teacherID", problem: problem))
            }
        }
        guard errors.isEmpty else { throw DistrictFileRejected(.plan, errors) }
    }
}

/// What the check of a plan (a district's or the academy's) needs to know of a session it names.
public struct PlannableSession: Sendable, Equatable {
    public let id: String
    public let academy: String
    public let district: String?
    public let pafModule: String?
    public let schoolLevel: SchoolLevel
    public let cancelled: Bool
    public let schoolYear: SchoolYear
    public let capacity: Int

    public init(
        id: String, academy: String, district: String?, pafModule: String? = nil, schoolLevel: SchoolLevel = .primary,
        cancelled: Bool, schoolYear: SchoolYear, capacity: Int
    ) {
        self.id = id
        self.academy = academy
        self.district = district
        self.pafModule = pafModule
        self.schoolLevel = schoolLevel
        self.cancelled = cancelled
        self.schoolYear = schoolYear
        self.capacity = capacity
    }

    /// Why a plan of `academy` for `schoolYear` cannot name this session, if it cannot.
    func problem(inAcademy academy: String, schoolYear: SchoolYear) -> String? {
        if self.academy != academy { return "not a session of academy \(academy)" }
        if self.schoolYear != schoolYear { return "starts in school year \(self.schoolYear), not \(schoolYear)" }
        if cancelled { return "the session is cancelled" }
        return nil
    }

    /// Teachers planned into each session so far, against its seats.
    struct Seats {
        private var planned: [String: Int] = [:]

        /// Plans one more teacher into `session`: the problem when that one is past its seats (said once).
        mutating func take(in session: PlannableSession) -> String? {
            planned[session.id, default: 0] += 1
            guard planned[session.id]! == session.capacity + 1 else { return nil }
            return "session \(session.id) has \(session.capacity) seat(s): this is teacher \(session.capacity + 1) "
                + "planned into it"
        }
    }
}

/// A version of a district's training plan as stored: a draft (changed as a whole, each change a new revision) or
/// published (never changed again; a later version supersedes it).
public struct TrainingPlanVersion: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable {
        case draft
        case published
    }

    public let academy: String
    public let district: String
    public let schoolYear: SchoolYear
    public let version: Int
    public let state: State
    /// Each change of a draft is a new revision (its `ETag`); publishing requires the revision read, when given.
    public let revision: Int
    public let lines: [TrainingPlanFile.Line]
    public let updatedBy: String
    public let updatedAt: Date
    public let publishedBy: String?
    public let publishedAt: Date?
    /// The answer to each need: the sessions planned for each theme of the diagnosis, and the themes left without.
    public let answers: [Answer]
    public let unansweredThemes: [String]

    public struct Answer: Sendable, Equatable, Codable {
        public let theme: String
        public let sessionIDs: [String]
        public let teachersPlanned: Int
    }

    public init(
        academy: String, district: String, schoolYear: SchoolYear, version: Int, state: State, revision: Int,
        lines: [TrainingPlanFile.Line], updatedBy: String, updatedAt: Date, publishedBy: String?, publishedAt: Date?,
        themes: [String]
    ) {
        self.academy = academy
        self.district = district
        self.schoolYear = schoolYear
        self.version = version
        self.state = state
        self.revision = revision
        self.lines = lines
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
        var answers: [Answer] = []
        for theme in themes {
            let planned = lines.filter { $0.theme == theme }
            guard !planned.isEmpty else { continue }
            answers.append(
                Answer(
                    theme: theme, sessionIDs: planned.map(\.sessionID).uniqued(),
                    teachersPlanned: Set(planned.map(\.teacherID)).count))
        }
        self.answers = answers
        unansweredThemes = themes.filter { theme in !lines.contains { $0.theme == theme } }
    }
}

/// Why a plan version cannot be written or published as asked (409).
public enum TrainingPlanConflict: Error, Sendable, Equatable {
    /// Version `version` is published: it never changes.
    case published(version: Int)
    /// Only the next version (`next`) can be drafted.
    case notNext(version: Int, next: Int)
    /// There is no needs diagnosis for the year to plan against.
    case noDiagnosis(schoolYear: SchoolYear)
    /// Designations come from a published version only.
    case notPublished(version: Int)
    /// The draft changed since the caller read it (`If-Match` names an older revision): 412.
    case revisionMismatch(current: Int)
    /// A later version is published: this one is history (no publication, no designation from it).
    case superseded(version: Int, by: Int)
}
