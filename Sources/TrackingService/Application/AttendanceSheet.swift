import Foundation

/// A trainer's attendance record for one meeting or virtual class of a session, for many participants
/// at once (applied in one transaction: all or nothing).
public struct AttendanceSheet: Codable, Sendable, Equatable {
    /// One participant's attendance.
    public struct Entry: Codable, Sendable, Equatable {
        public var enrolmentID: String
        public var status: AttendanceStatus
        public init(enrolmentID: String, status: AttendanceStatus) {
            self.enrolmentID = enrolmentID
            self.status = status
        }
    }

    /// The in-person meeting or virtual class.
    public var activityID: String
    public var entries: [Entry]
    /// When the meeting took place, or the attendance was taken; the reception time when absent.
    public var recordedAt: Date?
    /// Why a sheet changes attendance already recorded (a correction): required then, and audited with its
    /// author.
    public var reason: String?

    /// The most entries one sheet may hold.
    public static let maximumEntries = 1000
    /// The longest reason accepted.
    public static let maximumReasonLength = 500

    public init(activityID: String, entries: [Entry], recordedAt: Date? = nil, reason: String? = nil) {
        self.activityID = activityID
        self.entries = entries
        self.recordedAt = recordedAt
        self.reason = reason
    }
}
