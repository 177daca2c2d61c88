import Contracts

/// A district's diagnosis of its teachers' training needs for a school year (issue 16), as the inspector draws it
/// up: each line a theme (free text and a domain of the catalogue), its priority (1 highest to 3), a teacher it
/// concerns and the hours wished for them. Read and checked as a whole before anything is stored, like a
/// designation file.
///
/// Format (CSV, header line 1): `theme,domain,priority,teacherID,hoursWished`; blank lines are ignored; fields may
/// be double-quoted.
public struct NeedsDiagnosis: Sendable, Equatable {
    public struct Need: Sendable, Equatable, Codable {
        public let line: Int
        public let theme: String
        public let domain: String
        public let priority: Int
        public let teacherID: String
        public let hoursWished: Int

        public init(line: Int, theme: String, domain: String, priority: Int, teacherID: String, hoursWished: Int) {
            self.line = line
            self.theme = theme
            self.domain = domain
            self.priority = priority
            self.teacherID = teacherID
            self.hoursWished = hoursWished
        }
    }

    public static let header = ["theme", "domain", "priority", "teacherID", "hoursWished"]
    public static let maximumLines = 20_000

    public let needs: [Need]

    public init(needs: [Need]) { self.needs = needs }

    /// The teachers the diagnosis concerns, each once, in the order they first appear.
    public var teachers: [String] {
        var seen: Set<String> = []
        return needs.map(\.teacherID).filter { seen.insert($0).inserted }
    }

    /// Parses and checks every line; throws every bad line at once.
    public static func parse(_ text: String) throws(NeedsFileRejected) -> NeedsDiagnosis {
        typealias LineError = DesignationList.LineError
        var errors: [LineError] = []
        var needs: [Need] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let headerFields = lines.first.map {
            DesignationList.fields($0).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        guard headerFields == header else {
            throw NeedsFileRejected([
                LineError(line: 1, field: "header", problem: "expected \(header.joined(separator: ","))")
            ])
        }
        var seen: [String: Int] = [:]
        for (index, raw) in lines.enumerated().dropFirst() {
            let line = index + 1
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let values = DesignationList.fields(raw).map { $0.trimmingCharacters(in: .whitespaces) }
            guard values.count == header.count else {
                errors.append(
                    LineError(
                        line: line, field: "line", problem: "expected \(header.count) fields, got \(values.count)"))
                continue
            }
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
                    line: line, theme: theme, domain: domain, priority: priority, teacherID: teacher, hoursWished: hours
                ))
        }
        if needs.isEmpty && errors.isEmpty {
            errors.append(LineError(line: 2, field: "line", problem: "the file lists no need"))
        }
        if lines.count > maximumLines + 1 {
            errors.append(
                LineError(line: lines.count, field: "line", problem: "at most \(maximumLines) lines per file"))
        }
        guard errors.isEmpty else { throw NeedsFileRejected(errors) }
        return NeedsDiagnosis(needs: needs)
    }
}

/// A needs file with bad lines: every one named, nothing stored.
public struct NeedsFileRejected: Error, Sendable, Equatable {
    public let errors: [DesignationList.LineError]
    public let count: Int

    public init(_ errors: [DesignationList.LineError]) {
        count = errors.count
        self.errors = Array(errors.prefix(DesignationList.maximumReportedErrors))
    }
}

/// Where a district stands against the primary obligation for a school year: for each teacher of its diagnosis,
/// the hours done (completed trainings), the hours planned (seats held in sessions of the year not completed yet)
/// and what will still be missing if everything planned is done; for each theme of the diagnosis, the sessions of
/// the district in its domain and their seats against the teachers concerned.
public struct DistrictCoverage: Sendable, Equatable, Codable {
    public struct Teacher: Sendable, Equatable, Codable {
        public let teacherID: String
        public let doneMinutes: Int
        public let doneDistanceMinutes: Int
        public let plannedMinutes: Int
        public let plannedDistanceMinutes: Int
        /// Minutes still owed once everything planned is done (the obligation's reckoning: distance first).
        public let missingMinutes: Int
        public let missingDistanceMinutes: Int
        /// Short of the obligation even if every planned session is completed.
        public let short: Bool

        public init(teacherID: String, done: (distance: Int, inPerson: Int), planned: (distance: Int, inPerson: Int)) {
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

    public init(academy: String, district: String, schoolYear: SchoolYear, teachers: [Teacher], themes: [Theme]) {
        self.academy = academy
        self.district = district
        self.schoolYear = schoolYear
        self.teachers = teachers
        self.themes = themes
        short = teachers.filter(\.short).map(\.teacherID)
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
