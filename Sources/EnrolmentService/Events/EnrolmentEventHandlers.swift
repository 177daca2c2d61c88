import Contracts
import Logging
import Messaging

/// What the enrolment service does with the events it consumes (queue `enrolment.events`): the course
/// read model from the catalogue, completions from tracking. Each effect commits with its inbox claim.
enum EnrolmentEventHandlers {
    static func routes(application: EnrolmentApplication, logger: Logger) -> EventRoutes {
        var routes = EventRoutes()
        routes.on(CoursePublished.self) { envelope, _ in
            let applied = try await application.coursePublished(envelope)
            logger.debug(
                applied ? "course version recorded" : "duplicate course publication ignored",
                metadata: TraceContext.logMetadata.merging([
                    "event.id": "\(envelope.id)", "course.id": "\(envelope.data.courseID)",
                    "course.version": "\(envelope.data.version)",
                ]) { $1 })
        }
        routes.on(CourseArchived.self) { envelope, _ in
            try await application.courseArchived(envelope)
        }
        routes.on(CourseCompleted.self) { envelope, _ in
            let outcome = try await application.courseCompleted(envelope)
            logger.info(
                outcome == .recorded
                    ? "enrolment completed and recorded"
                    : outcome == .revised
                        ? "completion revised in the record" : "duplicate or stale completion ignored",
                metadata: TraceContext.logMetadata.merging([
                    "event.id": "\(envelope.id)", "enrolment.id": "\(envelope.data.enrolmentID)",
                    "completion.revision": "\(envelope.data.revision)",
                ]) { $1 })
        }
        routes.on(CourseCompletionRevoked.self) { envelope, _ in
            let outcome = try await application.courseCompletionRevoked(envelope)
            logger.info(
                outcome == .revoked
                    ? "completion revoked: training taken out of the record" : "duplicate or stale revocation ignored",
                metadata: TraceContext.logMetadata.merging([
                    "event.id": "\(envelope.id)", "enrolment.id": "\(envelope.data.enrolmentID)",
                    "completion.revision": "\(envelope.data.revision)", "cause": "\(envelope.data.cause.rawValue)",
                ]) { $1 })
        }
        return routes
    }
}
