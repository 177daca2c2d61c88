import Contracts
import Messaging

/// What tracking does with the events it consumes (queue `tracking.events`): course plans from the catalogue,
/// sessions, staff and enrolments from the enrolment service, each applied by the ``ReadModelProjector`` with
/// its inbox claim.
enum TrackingEventHandlers {
    static func routes(projector: ReadModelProjector) -> EventRoutes {
        var routes = EventRoutes()
        routes.on(CoursePublished.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionScheduled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionCancelled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionStaffChanged.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentApproved.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentPromoted.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentWithdrawn.self) { envelope, _ in try await projector.apply(envelope) }
        return routes
    }
}
