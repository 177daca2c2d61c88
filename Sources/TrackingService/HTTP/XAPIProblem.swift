import HTTPTypes
import ServiceSupport

/// The problems of the xAPI resource (the spec's 400/404/409, as problem+json).
enum XAPIProblem {
    static func invalid(_ field: String, _ problem: String) -> Problem {
        Problem(
            .badRequest, kind: "xapi-invalid", title: "Invalid xAPI request",
            detail: field.isEmpty ? problem : "\(field): \(problem)", errors: [.init(field: field, problem: problem)])
    }

    /// 413: more statements in one request than ``StatementController/maximumBatch``.
    static func batchTooLarge(_ count: Int) -> Problem {
        Problem(
            .contentTooLarge, kind: "xapi-batch-too-large", title: "Too many statements in one request",
            detail: "a batch holds at most \(StatementController.maximumBatch) statements (this one has \(count)): "
                + "send them in several requests",
            errors: [.init(field: "", problem: "at most \(StatementController.maximumBatch) statements")])
    }

    /// 503 with `Retry-After`: the statement describes progress on an enrolment (or a course version) whose
    /// events have not reached tracking yet. Nothing was stored; the same request succeeds once they have.
    static func notYetKnown(_ detail: String) -> Problem {
        Problem(
            .serviceUnavailable, kind: "xapi-registration-not-yet-known", title: "The registration is not known yet",
            detail: detail + "; nothing was stored: send the statement again in a few seconds",
            headers: [.retryAfter: "5"])
    }

    static func conflict(_ detail: String) -> Problem {
        Problem(.conflict, kind: "xapi-conflict", title: "Conflicting statement", detail: detail)
    }

    static func notFound(_ id: String) -> Problem {
        Problem(.notFound, kind: "not-found", title: "Statement not found", detail: "no statement with id '\(id)'")
    }
}
