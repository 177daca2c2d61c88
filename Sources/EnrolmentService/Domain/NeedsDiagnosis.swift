import Contracts

/// A district's diagnosis of its teachers' training needs for a school year (issue 16), as the inspector draws it
/// up: each line a theme (free text and a domain of the catalogue), its priority (1 highest to 3), a teacher it
/// concerns and the hours wished for them. Read and checked as a whole before anything is stored, like a
/// designation file.
///
/// Format (CSV, header line 1): `theme,domain,priority,teacherID,hoursWished`, optionally followed by `school,cycle`
/// (the teacher's school — its UAI or a label — and cycle, so that the coverage can be read school by school or cycle
/// by cycle; either may be left empty); blank lines are ignored; fields may be double-quoted.
public struct NeedsDiagnosis: Sendable, Equatable {
    public struct Need: Sendable, Equatable, Codable {
        public let line: Int
        public let theme: String
        public let domain: String
        public let priority: Int
        public let teacherID: String
        public let hoursWished: Int
        /// The teacher's school (its UAI, or a label), when the diagnosis says.
        public let school: String?
        /// The teacher's cycle (`1`, `2`, `3`…), when the diagnosis says.
        public let cycle: String?

        public init(
            line: Int, theme: String, domain: String, priority: Int, teacherID: String, hoursWished: Int,
            school: String? = nil, cycle: String? = nil
        ) {
            self.line = line
            self.theme = theme
            self.domain = domain
            self.priority = priority
            self.teacherID = teacherID
            self.hoursWished = hoursWished
            self.school = school
            self.cycle = cycle
        }
    }

    public static let header = ["theme", "domain", "priority", "teacherID", "hoursWished"]
    public static let maximumLines = 20_000

    public let needs: [Need]

    public init(needs: [Need]) { self.needs = needs }

    /// The teachers the diagnosis concerns, each once, in the order they first appear.
    public var teachers: [String] { needs.map(\.teacherID).uniqued() }

    /// The themes of the diagnosis, each once, in the order they first appear.
    public var themes: [String] { needs.map(\.theme).uniqued() }

    /// Parses and checks every line; throws every bad line at once.
    public static func parse(_ text: String) throws(DistrictFileRejected) -> NeedsDiagnosis {
        typealias LineError = DesignationList.LineError
        var (rows, errors) = try DistrictFileRejected.File.needs.rows(
            of: text, header: header, optional: ["school", "cycle"])
        var needs: [Need] = []
        var seen: [String: Int] = [:]
        for (line, values) in rows {
            let (theme, domain, teacher) = (values[0], values[1], values[3])
            var lineErrors: [LineError] = []
            if theme.isEmpty || theme.count > 200 {
                lineErrors.append(LineError(line: line, field: "theme", problem: "1 to 200 characters"))
            }
            if domain.isEmpty || domain.count > 100 {
                lineErrors.append(LineError(line: line, field: "domain", problem: "1 to 100 characters"))
            }
            let priority = Int(values[2]).flatMap { (1...3).contains($0) ? $0 : nil }
            if priority == nil {
                lineErrors.append(LineError(line: line, field: "priority", problem: "1 (highest), 2 or 3"))
            }
            if !PseudonymousIdentifier.isValid(teacher) {
                lineErrors.append(
                    LineError(
                        line: line, field: "teacherID",
                        problem: "must be a pseudonymous id (letters, digits, - _ . :), never a name or an e-mail"))
            } else if let first = seen["\(theme)\u{0}\(teacher)"] {
                lineErrors.append(
                    LineError(line: line, field: "teacherID", problem: "already listed for this theme on line \(first)")
                )
            }
            let (school, cycle) = values.count > 5 ? (values[5], values[6]) : ("", "")
            if school.count > 64 {
                lineErrors.append(LineError(line: line, field: "school", problem: "at most 64 characters"))
            }
            if cycle.count > 16 {
                lineErrors.append(LineError(line: line, field: "cycle", problem: "at most 16 characters"))
            }
            let hours = Int(values[4]).flatMap { (1...200).contains($0) ? $0 : nil }
            if hours == nil {
                lineErrors.append(
                    LineError(line: line, field: "hoursWished", problem: "a whole number of hours, 1 to 200"))
            }
            guard lineErrors.isEmpty, let priority, let hours else {
                errors += lineErrors
                continue
            }
            seen["\(theme)\u{0}\(teacher)"] = line
            needs.append(
                Need(
                    line: line, theme: theme, domain: domain, priority: priority, teacherID: teacher,
                    hoursWished: hours,
                    school: school.isEmpty ? nil : school, cycle: cycle.isEmpty ? nil : cycle))
        }
        try DistrictFileRejected.File.needs.conclude(
            errors, rows: rows, kept: needs.count, maximum: maximumLines, ifEmpty: "the file lists no need")
        return NeedsDiagnosis(needs: needs)
    }
}

/// A district's file (its needs diagnosis, its training plan) with bad lines: every one named, nothing stored.
public struct DistrictFileRejected: Error, Sendable, Equatable {
    public enum File: String, Sendable {
        case needs = "needs file"
        case plan = "training plan file"
        case academyPlan = "academy training plan file"

        /// The file's lines after its header, each with its number (the header is line 1) and its trimmed fields;
        /// blank lines skipped. The header is `header`, or `header` followed by the `optional` columns; a wrong header
        /// is refused at once; a line with the wrong number of fields is an error among the others.
        func rows(
            of text: String, header base: [String], optional: [String] = []
        ) throws(DistrictFileRejected) -> (rows: [(line: Int, values: [String])], errors: [DesignationList.LineError]) {
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
            let headerFields = lines.first.map {
                DesignationList.fields($0).map { $0.trimmingCharacters(in: .whitespaces) }
            }
            guard let header = headerFields, header == base || (!optional.isEmpty && header == base + optional) else {
                let expected =
                    base.joined(separator: ",") + (optional.isEmpty ? "" : "[,\(optional.joined(separator: ","))]")
                throw DistrictFileRejected(self, [.init(line: 1, field: "header", problem: "expected \(expected)")])
            }
            var rows: [(line: Int, values: [String])] = []
            var errors: [DesignationList.LineError] = []
            for (index, raw) in lines.enumerated().dropFirst() where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                let values = DesignationList.fields(raw).map { $0.trimmingCharacters(in: .whitespaces) }
                if values.count == header.count {
                    rows.append((index + 1, values))
                } else {
                    errors.append(
                        .init(
                            line: index + 1, field: "line",
                            problem: "expected \(header.count) fields, got \(values.count)"))
                }
            }
            return (rows, errors)
        }

        /// Ends the reading of a file: refused, with every bad line, when any line was bad, when no line was kept
        /// (`ifEmpty` says what is missing) or when it has more than `maximum` lines.
        func conclude(
            _ errors: [DesignationList.LineError], rows: [(line: Int, values: [String])], kept: Int, maximum: Int,
            ifEmpty: String
        ) throws(DistrictFileRejected) {
            var errors = errors
            if kept == 0 && errors.isEmpty { errors.append(.init(line: 2, field: "line", problem: ifEmpty)) }
            if rows.count > maximum, let last = rows.last {
                errors.append(.init(line: last.line, field: "line", problem: "at most \(maximum) lines per file"))
            }
            guard errors.isEmpty else { throw DistrictFileRejected(self, errors) }
        }
    }

    public let file: File
    public let errors: [DesignationList.LineError]
    public let count: Int

    /// The errors are reported in line order (those of one line in the order found).
    public init(_ file: File, _ errors: [DesignationList.LineError]) {
        self.file = file
        count = errors.count
        let ordered = errors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
        self.errors = ordered.prefix(DesignationList.maximumReportedErrors).map(\.element)
    }
}

/// Where a district stands against the primary obligation for a school year: for each teacher of its diagnosis,
/// the hours done (completed trainings), the hours planned (seats held in sessions of the year not completed yet)
/// and what will still be missing if everything planned is done; for each theme of the diagnosis, the sessions of
/// the district in its domain and their seats against the teachers concerned.
public struct DistrictCoverage: Sendable, Equatable, Codable {
    public struct Teacher: Sendable, Equatable, Codable {
        public let teacherID: String
        /// The teacher's school and cycle, as the diagnosis gives them.
        public var school: String?
        public var cycle: String?
        public let doneMinutes: Int
        public let doneDistanceMinutes: Int
        public let plannedMinutes: Int
        public let plannedDistanceMinutes: Int
        /// Minutes still owed once everything planned is done (the obligation's reckoning: distance first).
        public let missingMinutes: Int
        public let missingDistanceMinutes: Int
        /// Short of the obligation even if every planned session is completed.
        public let short: Bool
        /// The sessions the latest published training plan plans them into.
        public let assignedSessionIDs: [String]
        /// Minutes of those sessions they hold no seat in yet (designations from the plan turn them into planned).
        public let assignedMinutes: Int
        public let assignedDistanceMinutes: Int
        /// Short of the obligation even once everything planned and everything the plan assigns is done.
        public let shortAfterPlan: Bool

        public init(
            teacherID: String, done: (distance: Int, inPerson: Int), planned: (distance: Int, inPerson: Int),
            assigned: (sessionIDs: [String], distance: Int, inPerson: Int) = ([], 0, 0)
        ) {
            self.teacherID = teacherID
            doneMinutes = done.distance + done.inPerson
            doneDistanceMinutes = done.distance
            plannedMinutes = planned.distance + planned.inPerson
            plannedDistanceMinutes = planned.distance
            let reckoned = PrimaryObligation(
                distanceMinutes: done.distance + planned.distance, inPersonMinutes: done.inPerson + planned.inPerson)
            missingMinutes = reckoned.missingMinutes
            missingDistanceMinutes = reckoned.missingDistanceMinutes
            short = !reckoned.met
            assignedSessionIDs = assigned.sessionIDs
            assignedMinutes = assigned.distance + assigned.inPerson
            assignedDistanceMinutes = assigned.distance
            shortAfterPlan = !PrimaryObligation(
                distanceMinutes: reckoned.doneDistanceMinutes + assigned.distance,
                inPersonMinutes: reckoned.doneMinutes - reckoned.doneDistanceMinutes + assigned.inPerson
            ).met
        }
    }

    public struct Theme: Sendable, Equatable, Codable {
        public let theme: String
        public let domain: String
        public let priority: Int
        public let teachersConcerned: Int
        public let hoursWished: Int
        /// Sessions of the district in the theme's domain starting in the school year, not cancelled.
        public let sessions: [String]
        public let seats: Int
        public let seatsMissing: Int
    }

    public let academy: String
    public let district: String
    public let schoolYear: SchoolYear
    public let teachers: [Teacher]
    public let themes: [Theme]
    /// Teachers short of the obligation even if all they planned is done, by id.
    public let short: [String]
    /// The latest published version of the district's training plan for the year, if any.
    public let planVersion: Int?
    /// Teachers short even once what the plan assigns them is done too, by id.
    public let shortAfterPlan: [String]

    public init(
        academy: String, district: String, schoolYear: SchoolYear, teachers: [Teacher], themes: [Theme],
        planVersion: Int? = nil
    ) {
        self.academy = academy
        self.district = district
        self.schoolYear = schoolYear
        self.teachers = teachers
        self.themes = themes
        self.planVersion = planVersion
        short = teachers.filter(\.short).map(\.teacherID)
        shortAfterPlan = teachers.filter(\.shortAfterPlan).map(\.teacherID)
    }

    /// The theme lines of a diagnosis, given the sessions of the district (id, domain, capacity) in the year.
    static func themes(
        of diagnosis: NeedsDiagnosis, sessions: [(id: String, domain: String, capacity: Int)]
    ) -> [Theme] {
        var order: [String] = []
        var byTheme: [String: [NeedsDiagnosis.Need]] = [:]
        for need in diagnosis.needs {
            if byTheme[need.theme] == nil { order.append(need.theme) }
            byTheme[need.theme, default: []].append(need)
        }
        return order.compactMap { name in
            guard let needs = byTheme[name], let first = needs.first else { return nil }
            let matching = sessions.filter { $0.domain.caseInsensitiveCompare(first.domain) == .orderedSame }
            let seats = matching.reduce(0) { $0 + $1.capacity }
            return Theme(
                theme: name, domain: first.domain, priority: needs.map(\.priority).min() ?? first.priority,
                teachersConcerned: needs.count, hoursWished: needs.reduce(0) { $0 + $1.hoursWished },
                sessions: matching.map(\.id), seats: seats, seatsMissing: max(0, needs.count - seats))
        }
    }
}
