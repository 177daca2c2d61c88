import Contracts
import Foundation

/// When a fact a client reports counts for completion: the client's stated time, bounded by what the server
/// knows.
///
/// A client chooses `occurredAt` (JSON) or `timestamp` (xAPI). Left alone, that choice would date a
/// completion before the teacher was even enrolled, or move hours into the previous school year's
/// obligation. So:
/// - never later than the server's receipt time (`receivedAt`);
/// - never earlier than the enrolment's approval nor the session's start;
/// - never in an earlier school year than the receipt's, unless the session's staff backdate it explicitly
///   (an attendance sheet with `recordedAt`), which is audited.
///
/// When the session has not started yet, a fact counts from its start: the training is credited to the
/// school year the session runs in.
struct CreditTime: Sendable, Equatable {
    var approvedAt: Date?
    var sessionStartsAt: Date?

    func effective(stated: Date?, receivedAt now: Date, backdatedByStaff: Bool = false) -> Date {
        var time = min(stated ?? now, now)
        var floor = [approvedAt, sessionStartsAt].compactMap { $0 }.max() ?? .distantPast
        if !backdatedByStaff { floor = max(floor, SchoolYear.containing(now).start) }
        time = max(time, floor)
        return Timestamp.truncated(time)
    }
}
