import HTTPTypes
import ServiceSupport

/// The problems of the xAPI resource (the spec's 400/404/409, as problem+json).
enum XAPIProblem {
    static func invalid(_ field: String, _ problem: String) -> Problem {
        Problem(
            .badRequest, kind: "xapi-invalid", title: "Invalid xAPI request",
            detail: field.isEmpty ? problem : "\(field): \(problem)", errors: [.init(field: field, problem: problem)])
    }

    static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, kind: "xapi-conflict", title: "Conflicting statement", detail: detail)
    }

    static func notFound(_ id: String) -> Problem {
        Problem(.notFound, kind: "not-found", title: "Statement not found", detail: "no statement with id '\(id)'")
    }
}
