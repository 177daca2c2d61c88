import Contracts
import Foundation

/// A session ("action de formation"): one pinned published course version run by an academy, with
/// its calendar, staff, capacity and enrolment mode, through its life cycle.
public struct Session: Codable, Sendable, Equatable {
    public let id: String
    /// The published course version the session runs; never changes.
    public let course: CourseVersionRef
    public let academy: String
    public let schoolLevel: SchoolLevel
    public let district: String?
    public let pafModule: String?
    public let title: String
    public let calendar: SessionCalendar
    public private(set) var trainerIDs: [String]
    public private(set) var tutorIDs: [String]
    /// Seats: approved and completed enrolments never outnumber it.
    public let capacity: Int
    public let mode: EnrolmentMode
    public private(set) var state: SessionState

    /// Schedules a session of `course`, known from the catalogue's events, checking every rule of `plan`.
    ///
    /// Every violation is reported at once, each naming its field.
    public static func schedule(id: String, plan: SessionPlan, course: CourseVersion?) throws(InvalidPlan) -> Session {
        var violations: [PlanViolation] = []
        if let course {
            if course.archivedAt != nil {
                violations.append(
                    .init("course", "course \(course.ref.courseID) is archived: no new session may run it"))
            }
            if !course.schoolLevels.contains(plan.schoolLevel) {
                violations.append(
                    .init("schoolLevel", "the course is not designed for \(plan.schoolLevel.rawValue) teachers"))
            }
        } else {
            violations.append(
                .init("course", "course \(plan.course.courseID) version \(plan.course.version) has not been published"))
        }
        violations += Self.academyViolations(plan.academy)
        switch plan.schoolLevel {
        case .primary:
            if plan.district?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
                violations.append(.init("district", "a primary session names its district (circonscription)"))
            }
        case .secondary:
            if plan.pafModule?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
                violations.append(.init("pafModule", "a secondary session names its PAF module"))
            }
        }
        if let title = plan.title, title.trimmingCharacters(in: .whitespaces).isEmpty || title.count > 200 {
            violations.append(.init("title", "a title override has 1 to 200 characters"))
        }
        if plan.capacity < 1 || plan.capacity > 10_000 {
            violations.append(.init("capacity", "must be between 1 and 10000"))
        }
        violations += Self.calendarViolations(plan.calendar, course: course)
        for (field, ids) in [("trainerIDs", plan.trainerIDs ?? []), ("tutorIDs", plan.tutorIDs ?? [])] {
            violations += Self.staffViolations(field, ids)
        }
        guard violations.isEmpty else { throw InvalidPlan(violations) }
        return Session(
            id: id, course: plan.course, academy: plan.academy, schoolLevel: plan.schoolLevel,
            district: plan.schoolLevel == .primary ? plan.district : nil,
            pafModule: plan.schoolLevel == .secondary ? plan.pafModule : nil,
            title: plan.title ?? course?.title ?? "", calendar: plan.calendar, trainerIDs: plan.trainerIDs ?? [],
            tutorIDs: plan.tutorIDs ?? [], capacity: plan.capacity, mode: plan.mode, state: .inPreparation)
    }

    /// Restores a session from storage (rules were checked when it was scheduled).
    public init(
        id: String, course: CourseVersionRef, academy: String, schoolLevel: SchoolLevel, district: String?,
        pafModule: String?, title: String, calendar: SessionCalendar, trainerIDs: [String], tutorIDs: [String],
        capacity: Int, mode: EnrolmentMode, state: SessionState
    ) {
        self.id = id
        self.course = course
        self.academy = academy
        self.schoolLevel = schoolLevel
        self.district = district
        self.pafModule = pafModule
        self.title = title
        self.calendar = calendar
        self.trainerIDs = trainerIDs
        self.tutorIDs = tutorIDs
        self.capacity = capacity
        self.mode = mode
        self.state = state
    }

    // MARK: - Life cycle

    /// Applies a life-cycle or staffing command, or throws the rule it breaks with the current state.
    public mutating func apply(_ command: SessionCommand) throws(SessionRuleViolation) {
        switch (state, command) {
        case (.inPreparation, .open):
            guard !trainerIDs.isEmpty else {
                throw SessionRuleViolation(
                    command: command.name, currentState: state,
                    reason: "a session cannot open without at least one trainer")
            }
            state = .openForEnrolment
        case (.openForEnrolment, .start):
            state = .running
        case (.running, .close):
            state = .closed
        case (.inPreparation, .cancel), (.openForEnrolment, .cancel), (.running, .cancel):
            state = .cancelled
        case (.inPreparation, .assignTrainers(let ids)), (.openForEnrolment, .assignTrainers(let ids)),
            (.running, .assignTrainers(let ids)):
            if ids.isEmpty && state != .inPreparation {
                throw SessionRuleViolation(
                    command: command.name, currentState: state,
                    reason: "a session that is \(state.rawValue) keeps at least one trainer")
            }
            trainerIDs = ids
        case (.inPreparation, .assignTutors(let ids)), (.openForEnrolment, .assignTutors(let ids)),
            (.running, .assignTutors(let ids)):
            tutorIDs = ids
        default:
            throw SessionRuleViolation(command: command.name, currentState: state)
        }
    }

    /// Throws unless the session lets teachers in by `entry`: it must be open, in the matching mode.
    public func admit(_ entry: EnrolmentEntry) throws(SessionRuleViolation) {
        guard state.takesEnrolments else {
            throw SessionRuleViolation(
                command: "enrol", currentState: state, reason: "the session is \(state.rawValue): it takes no enrolment"
            )
        }
        guard entry.mode == mode else {
            throw SessionRuleViolation(
                command: "enrol", currentState: state,
                reason: "the session takes enrolments by \(mode.rawValue), not by \(entry.mode.rawValue)")
        }
    }

    /// Throws unless `command` may be applied to an enrolment of this session now.
    public func allow(_ command: EnrolmentCommand) throws(SessionRuleViolation) {
        let allowed: Bool =
            switch command {
            case .approve, .refuse, .accept, .promote: state.takesDecisions
            case .withdraw: !state.isFinal
            case .complete: state != .cancelled && state != .inPreparation
            case .revokeCompletion: true
            }
        guard allowed else {
            throw SessionRuleViolation(
                command: command.rawValue, currentState: state,
                reason: "the session is \(state.rawValue): its enrolments cannot be sent '\(command.rawValue)'")
        }
    }

    // MARK: - Rules

    /// Checks a staff list (trainers or tutors): pseudonymous ids, no duplicates.
    public static func staffViolations(_ field: String, _ ids: [String]) -> [PlanViolation] {
        var violations: [PlanViolation] = []
        for (index, id) in ids.enumerated() where !PseudonymousIdentifier.isValid(id) {
            violations.append(.init("\(field)[\(index)]", "must be a pseudonymous id (letters, digits, - _ . :)"))
        }
        if Set(ids).count != ids.count { violations.append(.init(field, "lists someone twice")) }
        if ids.count > 100 { violations.append(.init(field, "at most 100")) }
        return violations
    }

    /// Checks an academy code: the code a manager's token names, so that a session spelt otherwise is
    /// never out of every academy manager's reach.
    public static func academyViolations(_ academy: String) -> [PlanViolation] {
        PseudonymousIdentifier.isValid(academy)
            ? [] : [.init("academy", "must be an academy code of 1 to 64 letters, digits, - _ . :")]
    }

    static func calendarViolations(_ calendar: SessionCalendar, course: CourseVersion?) -> [PlanViolation] {
        var violations: [PlanViolation] = []
        if calendar.enrolmentClosesAt <= calendar.enrolmentOpensAt {
            violations.append(.init("calendar.enrolmentClosesAt", "must be after enrolmentOpensAt"))
        }
        if calendar.endsAt <= calendar.startsAt {
            violations.append(.init("calendar.endsAt", "must be after startsAt"))
        }
        if calendar.startsAt < calendar.enrolmentOpensAt {
            violations.append(.init("calendar.startsAt", "must not be before enrolmentOpensAt"))
        }
        if calendar.enrolmentClosesAt > calendar.endsAt {
            violations.append(.init("calendar.enrolmentClosesAt", "must not be after endsAt"))
        }
        for (index, meeting) in calendar.meetings.enumerated() {
            let field = "calendar.meetings[\(index)]"
            if let course {
                if let activity = course.activities.first(where: { $0.id == meeting.activityID }) {
                    if activity.kind != .inPersonMeeting && activity.kind != .virtualClass {
                        violations.append(
                            .init(
                                "\(field).activityID",
                                "activity \(meeting.activityID) is a \(activity.kind.rawValue), not an in-person meeting or a virtual class"
                            ))
                    }
                } else {
                    violations.append(.init("\(field).activityID", "the course has no activity \(meeting.activityID)"))
                }
            }
            if meeting.startsAt < calendar.startsAt || meeting.startsAt > calendar.endsAt {
                violations.append(.init("\(field).startsAt", "must be within the session's span"))
            }
            if let end = meeting.endsAt, end <= meeting.startsAt {
                violations.append(.init("\(field).endsAt", "must be after the meeting's startsAt"))
            }
        }
        return violations
    }
}
