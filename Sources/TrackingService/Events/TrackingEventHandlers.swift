import Contracts
import Messaging

/// What tracking does with the events it consumes (its partition queues, fed from `tracking.events`): course plans from the catalogue,
/// sessions, staff and enrolments from the enrolment service, each applied by the ``ReadModelProjector`` with
/// its inbox claim.
enum TrackingEventHandlers {
    static func routes(projector: ReadModelProjector, naming: PartitionNaming) -> EventRoutes {
        var routes = EventRoutes()
        routes.on(CoursePublished.self) { envelope, delivery in
            try await projector.apply(envelope, partition: naming.partition(ofQueue: delivery.queue))
        }
        routes.on(CourseRulesRevised.self) { envelope, delivery in
            try await projector.apply(envelope, partition: naming.partition(ofQueue: delivery.queue))
        }
        routes.on(SessionScheduled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionCancelled.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(SessionStaffChanged.self) { envelope, _ in try await projector.apply(envelope) }
        routes.on(EnrolmentApproved.self) { envelope, delivery in
            try await projector.apply(envelope, partition: naming.partition(ofQueue: delivery.queue))
        }
        routes.on(EnrolmentPromoted.self) { envelope, delivery in
            try await projector.apply(envelope, partition: naming.partition(ofQueue: delivery.queue))
        }
        routes.on(EnrolmentWithdrawn.self) { envelope, _ in try await projector.apply(envelope) }
        return routes
    }

    /// Events that place an enrolment in a session: the router sends them to the session's partition, and every
    /// partition (each keeps the whole enrolment directory) gets them in the window's ``DirectoryPlacements``.
    static let placements: Set<String> = [EnrolmentApproved.eventType.rawValue, EnrolmentPromoted.eventType.rawValue]
}
