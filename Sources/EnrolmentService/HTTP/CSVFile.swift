import Hummingbird
import ServiceSupport

/// The enrolment service's CSV uploads (a designation file, a district's needs): one way to read them and one way to
/// refuse them.
enum CSVFile {
    /// Largest CSV body accepted (413 above).
    static let limit = 1024 * 1024

    /// The body as UTF-8 text: `text/csv` only (415 otherwise, naming what was sent), at most ``limit`` bytes.
    static func text(of request: Request, naming what: String) async throws -> String {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            .lowercased()
        guard type == "text/csv" else {
            throw Problem(
                .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
                detail: "send the \(what) as text/csv (got \(type ?? "no Content-Type"))",
                errors: [.init(field: "Content-Type", problem: "must be text/csv")])
        }
        let data = try await JSONBody.collect(request, limit: limit)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Problem.malformed("", "the file is not UTF-8 text")
        }
        return text
    }

    /// A file refused for its bad lines: each one (line, field, problem), and how many there are in all.
    static func rejected(
        _ errors: [DesignationList.LineError], count: Int, title: String, consequence: String
    ) -> Problem {
        var problem = Problem.validation(
            errors.map { .init(field: $0.field, problem: $0.problem, line: $0.line) },
            detail: "\(count) error(s): \(consequence)")
        problem.title = title
        return problem
    }
}
