import Foundation

/// A dated occurrence of an in-person meeting or a virtual class of the session's course.
public struct ScheduledMeeting: Codable, Sendable, Equatable {
    /// The activity of the pinned course version this meeting runs.
    public let activityID: String
    public let startsAt: Date
    public let endsAt: Date?
    /// Where: a room and a school for an in-person meeting, a label for a virtual class.
    public let place: String?

    public init(activityID: String, startsAt: Date, endsAt: Date? = nil, place: String? = nil) {
        self.activityID = activityID
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
    }
}
