import Foundation

/// An enrolment as the API shows it, with the teacher's place on the waiting list.
public struct EnrolmentView: Codable, Sendable, Equatable {
    public let id: String
    public let sessionID: String
    public let participantID: String
    public let state: EnrolmentState
    public let group: String?
    public let acceptanceRequired: Bool
    /// 1 for the next teacher to get a seat; present only while waitlisted.
    public let waitlistPosition: Int?
    public let createdAt: Date
    public let updatedAt: Date

    init(_ enrolment: Enrolment, position: Int?) {
        id = enrolment.id
        sessionID = enrolment.sessionID
        participantID = enrolment.participantID
        state = enrolment.state
        group = enrolment.group
        acceptanceRequired = enrolment.acceptanceRequired
        waitlistPosition = enrolment.state == .waitlisted ? position : nil
        createdAt = enrolment.createdAt
        updatedAt = enrolment.updatedAt
    }
}
