import Contracts
import Foundation

/// An academy's training plan for the secondary (PAF) for a school year (issue 16): its modules, the sessions that
/// implement each of them (a session names its module, `pafModule`, when it is scheduled), and the teachers the plan
/// designates into them. A session listed without a teacher is in the plan, open to applications.
///
/// Format (CSV, header line 1): `module,sessionID,teacherID`, `teacherID` possibly empty; blank lines are ignored;
/// fields may be double-quoted. Read and checked as a whole, on its own (``parse(_:)``) then against the academy's
/// sessions (``check(academy:schoolYear:sessions:)``): any bad line refuses the whole file.
public struct AcademyPlanFile: Sendable, Equatable {
    public struct Line: Sendable, Equatable, Codable {
        public let line: Int
        public let module: String
        public let sessionID: String
        /// Nil: the session is in the plan, open to applications.
        public let teacherID: String?

        public init(line: Int, module: String, sessionID: String, teacherID: String?) {
            self.line = line
            self.module = module
            self.sessionID = sessionID
            self.teacherID = teacherID
        }
    }

    public static let header = ["module", "sessionID", "teacherID"]

    public let lines: [Line]

    public init(lines: [Line]) { self.lines = lines }

    /// The sessions the plan names, each once, in the order they first appear.
    public var sessionIDs: [String] { lines.map(\.sessionID).uniqued() }

    /// The modules the plan names, each once, in the order they first appear.
    public var modules: [String] { lines.map(\.module).uniqued() }

    /// Parses and checks every line on its own; throws every bad line at once.
    public static func parse(_ text: String) throws(DistrictFileRejected) -> AcademyPlanFile {
        typealias LineError = DesignationList.LineError
        var (rows, errors) = try DistrictFileRejected.File.academyPlan.rows(of: text, header: header)
        var lines: [Line] = []
        var seen: [String: Int] = [:]
        for (line, values) in rows {
            let (module, session, teacher) = (values[0], values[1], values[2].isEmpty ? nil : values[2])
            var lineErrors: [LineError] = []
            if module.isEmpty || module.count > 64 {
                lineErrors.append(LineError(line: line, field: "module", problem: "a module code, 1 to 64 characters"))
            }
            if !PseudonymousIdentifier.isValid(session) {
                lineErrors.append(
                    LineError(line: line, field: "sessionID", problem: "a session id (letters, digits, - _ . :)"))
            }
            if let teacher, !PseudonymousIdentifier.isValid(teacher) {
                lineErrors.append(
                    LineError(
                        line: line, field: "teacherID",
                        problem: "must be a pseudonymous id (letters, digits, - _ . :), never a name or an e-mail"))
            } else if let first = seen["\(session)\u{0}\(teacher ?? "")"] {
                lineErrors.append(
                    LineError(
                        line: line, field: teacher == nil ? "sessionID" : "teacherID",
                        problem: teacher == nil
                            ? "the session is already listed on line \(first)"
                            : "already planned into this session on line \(first)"))
            }
            guard lineErrors.isEmpty else {
                errors += lineErrors
                continue
            }
            seen["\(session)\u{0}\(teacher ?? "")"] = line
            lines.append(Line(line: line, module: module, sessionID: session, teacherID: teacher))
        }
        try DistrictFileRejected.File.academyPlan.conclude(
            errors, rows: rows, kept: lines.count, maximum: TrainingPlanFile.maximumLines,
            ifEmpty: "the file lists no module")
        return AcademyPlanFile(lines: lines)
    }

    /// Checks every line against the academy's sessions: a secondary session of the academy, starting in the school
    /// year, not cancelled, implementing the line's module, with a seat for every teacher designated into it.
    public func check(
        academy: String, schoolYear: SchoolYear, sessions: [String: PlannableSession]
    ) throws(DistrictFileRejected) {
        typealias LineError = DesignationList.LineError
        var errors: [LineError] = []
        var seats = PlannableSession.Seats()
        for line in lines {
            guard let session = sessions[line.sessionID] else {
                errors.append(LineError(line: line.line, field: "sessionID", problem: "no such session"))
                continue
            }
            if let problem = session.problem(inAcademy: academy, schoolYear: schoolYear) {
                errors.append(LineError(line: line.line, field: "sessionID", problem: problem))
                continue
            }
            if session.schoolLevel != .secondary {
                errors.append(
                    LineError(
                        line: line.line, field: "sessionID",
                        problem: "a primary session: the districts' plans answer primary needs"))
                continue
            }
            if session.pafModule != line.module {
                errors.append(
                    LineError(
                        line: line.line, field: "module",
                        problem: "session \(session.id) implements "
                            + (session.pafModule.map { "module \($0)" } ?? "no module of the plan")))
                continue
            }
            if line.teacherID != nil, let problem = seats.take(in: session) {
                errors.append(LineError(line: line.line, field: "teacherID", problem: problem))
            }
        }
        guard errors.isEmpty else { throw DistrictFileRejected(.academyPlan, errors) }
    }
}

/// A version of an academy's training plan (PAF) as stored: a draft (changed as a whole, each change a new
/// revision) or published (never changed again; a later version supersedes it).
public struct AcademyPlanVersion: Sendable, Equatable, Codable {
    public struct Module: Sendable, Equatable, Codable {
        public let module: String
        public let sessionIDs: [String]
        /// Teachers the plan designates into the module's sessions.
        public let teachersPlanned: Int
    }

    public let academy: String
    public let schoolYear: SchoolYear
    public let version: Int
    public let state: TrainingPlanVersion.State
    public let revision: Int
    public let lines: [AcademyPlanFile.Line]
    public let updatedBy: String
    public let updatedAt: Date
    public let publishedBy: String?
    public let publishedAt: Date?
    public let modules: [Module]

    public init(
        academy: String, schoolYear: SchoolYear, version: Int, state: TrainingPlanVersion.State, revision: Int,
        lines: [AcademyPlanFile.Line], updatedBy: String, updatedAt: Date, publishedBy: String?, publishedAt: Date?
    ) {
        self.academy = academy
        self.schoolYear = schoolYear
        self.version = version
        self.state = state
        self.revision = revision
        self.lines = lines
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
        self.publishedBy = publishedBy
        self.publishedAt = publishedAt
        modules = AcademyPlanFile(lines: lines).modules.map { module in
            let planned = lines.filter { $0.module == module }
            return Module(
                module: module, sessionIDs: AcademyPlanFile(lines: planned).sessionIDs,
                teachersPlanned: Set(planned.compactMap(\.teacherID)).count)
        }
    }
}

/// Where each module of an academy's published plan stands: its sessions' seats, how many are taken, how many
/// teachers completed, and the plan's designated teachers who hold a seat.
public struct AcademyPlanReport: Sendable, Equatable, Codable {
    public struct Module: Sendable, Equatable, Codable {
        public let module: String
        public let sessionIDs: [String]
        public let seats: Int
        /// Approved and completed enrolments in the module's sessions.
        public let seatsTaken: Int
        public let completed: Int
        public let waitlisted: Int
        public let teachersPlanned: Int
        /// Of the teachers the plan designates, those holding a seat (approved or completed) or designated.
        public let teachersPlannedEnrolled: Int
    }

    public let academy: String
    public let schoolYear: SchoolYear
    /// The published version reported on; nil when none is published (no modules then).
    public let version: Int?
    public let modules: [Module]
}
