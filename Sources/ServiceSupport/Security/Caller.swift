import Foundation

/// What a caller may be, as the identity provider states it in the token's `roles` claim.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Writes and publishes courses: the national offer without an academy, an academy's offer with one.
    case designer
    /// IEN / PAF lead: schedules sessions, approves and designates, in their academy only.
    case manager
    /// Leads sessions they are assigned to: attendance and progress of those sessions.
    case trainer
    /// Accompanies participants of sessions they are assigned to: like a trainer, read and attendance.
    case tutor
    /// A teacher: applies, withdraws, records and reads their own progress and yearly record.
    case participant
    /// Runs the platform: health, metrics, dead letters; no personal data beyond ids.
    case `operator`
    /// District inspector (IEN): the needs, plans and coverage of the districts their token names, in their
    /// academy (issue 16).
    case inspector
    /// Another system that subscribes to the platform's events (HR records, an academy's information system): asks
    /// for replays of the event types its token names (`events` claim), for its academy or, national, all of them.
    case subscriber

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The authenticated caller of a request, from a verified token.
public struct Caller: Sendable, Hashable, CustomStringConvertible {
    /// The token's subject: a pseudonymous id, never a name or an e-mail address.
    public var subject: String
    public var roles: Set<Role>
    /// The academy the caller acts for (`lyon`…, as sessions and course origins spell it); `nil` when the token
    /// names none, or names the national scope (``isNational``).
    public var academy: String?
    /// The token's academy claim is `national`: the caller acts for every academy. National scope is never
    /// implied by a missing claim.
    public var isNational: Bool

    /// The academy claim that grants national scope.
    public static let nationalClaim = "national"
    /// The roles whose reach is an academy (or, explicitly, the nation): their tokens must say which.
    public static let scopedRoles: Set<Role> = [.manager, .designer, .inspector, .subscriber]

    /// The districts an inspector's token names (`districts` claim), in their academy; empty for anyone else.
    public var districts: Set<String>
    /// The event types a subscriber's token names (`events` claim): what it may ask to be replayed.
    public var events: Set<String>

    public init(
        subject: String, roles: Set<Role>, academy: String? = nil, isNational: Bool = false,
        districts: Set<String> = [],
        events: Set<String> = []
    ) {
        self.subject = subject
        self.roles = roles
        self.academy = academy
        self.isNational = academy == nil && isNational
        self.districts = districts
        self.events = events
    }

    /// Whether the caller acts for `academy`: its own, or every academy with national scope.
    public func actsFor(academy other: String) -> Bool { isNational || academy == other }

    /// Whether the caller inspects `district` of `academy`: an inspector of that academy whose token names it.
    public func inspects(_ district: String, inAcademy academy: String) -> Bool {
        roles.contains(.inspector) && self.academy == academy && districts.contains(district)
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Whether the caller holds `role` for `academy`: a role scoped to one academy covers that academy only;
    /// a national one (`"academy": "national"`) covers every academy; a token without the claim covers none.
    public func has(_ role: Role, inAcademy academy: String) -> Bool {
        guard roles.contains(role) else { return false }
        guard let own = self.academy else { return isNational }
        return own == academy
    }

    /// The scoped role (manager, designer) this caller holds with no academy claim at all, if any: such a token
    /// is refused rather than read as national.
    public var scopedRoleWithoutAcademy: Role? {
        guard academy == nil, !isNational else { return nil }
        return roles.intersection(Self.scopedRoles).min()
    }

    /// `lyon`, `national`, or `none`: how logs name the caller's scope.
    public var scopeName: String { academy ?? (isNational ? Self.nationalClaim : "none") }

    public var description: String {
        "\(subject) [\(roles.sorted().map(\.rawValue).joined(separator: ","))] @\(scopeName)"
    }
}
