/// Every integration event type of the platform, the one list that the schemas, the golden files and the
/// AsyncAPI document are checked against.
public enum EventCatalog {
    /// All event types, grouped by producer.
    public static let all: [any DomainEvent.Type] = [
        CoursePublished.self,
        CourseArchived.self,
        CourseRulesRevised.self,
        SessionScheduled.self,
        SessionOpened.self,
        SessionStarted.self,
        SessionClosed.self,
        SessionCancelled.self,
        SessionStaffChanged.self,
        TrainingPlanPublished.self,
        AcademyPlanPublished.self,
        EnrolmentApplied.self,
        EnrolmentDesignated.self,
        EnrolmentApproved.self,
        EnrolmentRefused.self,
        EnrolmentWaitlisted.self,
        EnrolmentPromoted.self,
        EnrolmentWithdrawn.self,
        EnrolmentCompleted.self,
        EnrolmentCompletionRevoked.self,
        ActivityCompleted.self,
        CourseCompleted.self,
        CourseCompletionRevoked.self,
    ]

    private static let byType: [EventType: any DomainEvent.Type] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.eventType, $0) })

    /// The Swift type of an event type, or nil for a type (or a version) this build does not know.
    public static func type(for eventType: EventType) -> (any DomainEvent.Type)? {
        byType[eventType]
    }

    /// The Swift type named by a CloudEvents `type` attribute or an AMQP routing key.
    public static func type(named name: String) -> (any DomainEvent.Type)? {
        byType[EventType(name)]
    }

    /// The event types a service publishes.
    public static func published(by producer: ServiceName) -> [any DomainEvent.Type] {
        all.filter { $0.producer == producer }
    }
}
