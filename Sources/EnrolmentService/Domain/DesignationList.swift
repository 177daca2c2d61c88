import Contracts

/// A bulk designation file (CSV) read and checked as a whole before anything is applied.
///
/// Format: a header `participantID` or `participantID,group`, then one teacher a line; blank lines
/// are ignored; fields may be double-quoted. Line numbers count the header as line 1.
public struct DesignationList: Sendable, Equatable {
    /// One teacher to designate.
    public struct Entry: Sendable, Equatable {
        public let line: Int
        public let participantID: String
        public let group: String?
    }

    /// One bad line: where, which field, what is wrong.
    public struct LineError: Error, Sendable, Equatable, Codable {
        public let line: Int
        public let field: String
        public let problem: String
        public init(line: Int, field: String, problem: String) {
            self.line = line
            self.field = field
            self.problem = problem
        }
    }

    public static let maximumEntries = 5000
    /// Bad lines reported one by one; past them, one more error counts the rest. A hostile file of a
    /// megabyte of bad lines must not make a report a hundred times its size.
    public static let maximumReportedErrors = 100

    public let entries: [Entry]

    /// Parses and checks every line; throws every bad line at once.
    public static func parse(_ text: String) throws(DesignationFileRejected) -> DesignationList {
        var errors: [LineError] = []
        var entries: [Entry] = []
        // "\r\n" is one Character in Swift: split on any newline character.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DesignationFileRejected([
                LineError(
                    line: 1, field: "header", problem: "the file is empty: expected a header participantID[,group]")
            ])
        }
        let header = fields(headerLine).map { $0.trimmingCharacters(in: .whitespaces) }
        guard header == ["participantID"] || header == ["participantID", "group"] else {
            throw DesignationFileRejected([
                LineError(line: 1, field: "header", problem: "expected participantID or participantID,group")
            ])
        }
        var seen: [String: Int] = [:]
        for (index, raw) in lines.enumerated().dropFirst() {
            let line = index + 1
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let values = fields(raw).map { $0.trimmingCharacters(in: .whitespaces) }
            guard values.count <= header.count else {
                errors.append(
                    LineError(
                        line: line, field: "line", problem: "expected \(header.count) field(s), got \(values.count)"))
                continue
            }
            let participant = values[0]
            let group = values.count > 1 && !values[1].isEmpty ? values[1] : nil
            var lineIsGood = true
            if participant.isEmpty {
                errors.append(LineError(line: line, field: "participantID", problem: "is missing"))
                lineIsGood = false
            } else if !PseudonymousIdentifier.isValid(participant) {
                errors.append(
                    LineError(
                        line: line, field: "participantID",
                        problem: "must be a pseudonymous id (letters, digits, - _ . :), never a name or an e-mail"))
                lineIsGood = false
            } else if let first = seen[participant] {
                errors.append(LineError(line: line, field: "participantID", problem: "already listed on line \(first)"))
                lineIsGood = false
            }
            if let group, group.count > 64 {
                errors.append(LineError(line: line, field: "group", problem: "at most 64 characters"))
                lineIsGood = false
            }
            if lineIsGood {
                seen[participant] = line
                entries.append(Entry(line: line, participantID: participant, group: group))
            }
        }
        if entries.isEmpty && errors.isEmpty {
            errors.append(LineError(line: 2, field: "participantID", problem: "the file lists no teacher"))
        }
        if entries.count > maximumEntries {
            errors.append(
                LineError(line: lines.count, field: "line", problem: "at most \(maximumEntries) teachers per file"))
        }
        guard errors.isEmpty else { throw DesignationFileRejected(reporting: errors) }
        return DesignationList(entries: entries)
    }

    /// Splits a CSV line on commas outside double quotes (`""` is a quote inside a quoted field).
    static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            current.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}

/// A designation file with bad lines: nothing of it was applied.
public struct DesignationFileRejected: Error, Sendable, Equatable {
    /// The errors, in file order: at most ``DesignationList/maximumReportedErrors``, then one counting the others.
    public let errors: [DesignationList.LineError]
    /// How many errors the file has, listed or not.
    public let count: Int

    public init(_ errors: [DesignationList.LineError]) {
        self.errors = errors
        count = errors.count
    }

    /// The first ``DesignationList/maximumReportedErrors`` errors, then one counting the others.
    init(reporting errors: [DesignationList.LineError]) {
        let limit = DesignationList.maximumReportedErrors
        count = errors.count
        guard errors.count > limit else {
            self.errors = errors
            return
        }
        let summary = DesignationList.LineError(
            line: errors[limit].line, field: "file",
            problem: "\(errors.count - limit) more error(s) from this line on, not listed")
        self.errors = Array(errors.prefix(limit)) + [summary]
    }
}
