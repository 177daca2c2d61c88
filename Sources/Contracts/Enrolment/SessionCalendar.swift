import Foundation

/// The dates of a session: its enrolment window, its span, and its dated meetings.
public struct SessionCalendar: Codable, Sendable, Equatable {
    public let enrolmentOpensAt: Date
    public let enrolmentClosesAt: Date
    public let startsAt: Date
    public let endsAt: Date
    /// The dated in-person meetings and virtual classes, each matched to an activity of the course.
    public let meetings: [ScheduledMeeting]

    public init(
        enrolmentOpensAt: Date, enrolmentClosesAt: Date, startsAt: Date, endsAt: Date,
        meetings: [ScheduledMeeting] = []
    ) {
        self.enrolmentOpensAt = enrolmentOpensAt
        self.enrolmentClosesAt = enrolmentClosesAt
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.meetings = meetings
    }
}
