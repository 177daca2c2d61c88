import Contracts
import Foundation

// What the pages read from the services' JSON answers: only the fields they show. Unknown fields are
// ignored, so a service may add fields without breaking the pages (the services' OpenAPI documents are the
// reference).

/// `GET /search`, `GET /courses` (catalog).
struct CatalogueAnswer: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var courseID: String
        var version: Int
        var title: String
        var summary: String
        var domain: String
        var schoolLevels: [String]
        var origin: Origin
        var nature: String
        var modality: String?
        var distanceMinutes: Int
        var inPersonMinutes: Int
        var derivedFrom: CourseVersionRef?
    }
    struct Origin: Decodable, Sendable {
        var kind: String
        var academy: String?
    }
    struct FacetCount: Decodable, Sendable {
        var value: String
        var count: Int
    }

    var items: [Item]
    var total: Int
    var page: Int
    var limit: Int
    var facets: [String: [FacetCount]]
}

/// `GET /courses/{id}` (catalog).
struct CourseAnswer: Decodable, Sendable {
    struct SourceStatus: Decodable, Sendable {
        var courseID: String
        var derivedFromVersion: Int
        var latestVersion: Int
        var behind: Bool
    }
    var courseID: String
    var status: String
    var latestVersion: Int
    var current: CoursePublished?
    var derivedFrom: CourseVersionRef?
    var source: SourceStatus?
}

/// `GET /courses/{id}/versions` (catalog).
struct VersionsAnswer: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var version: Int
        var title: String
        var publishedAt: Date
        var activityCount: Int
    }
    var versions: [Line]
}

/// A session (enrolment).
struct SessionAnswer: Decodable, Sendable {
    struct Seats: Decodable, Sendable {
        var capacity: Int
        var free: Int
        var taken: Int
        var waitlisted: Int
    }
    struct Meeting: Decodable, Sendable {
        var activityID: String
        var startsAt: Date
        var endsAt: Date
        var place: String?
    }
    struct Calendar: Decodable, Sendable {
        var enrolmentOpensAt: Date
        var enrolmentClosesAt: Date
        var startsAt: Date
        var endsAt: Date
        var meetings: [Meeting]
    }
    var id: String
    var title: String
    var academy: String
    var schoolLevel: String
    var district: String?
    var pafModule: String?
    var course: CourseVersionRef
    var calendar: Calendar
    var seats: Seats
    var state: String
    var mode: String
    var trainerIDs: [String]
    var tutorIDs: [String]
}

struct SessionListAnswer: Decodable, Sendable {
    var sessions: [SessionAnswer]
}

/// An enrolment (enrolment).
struct EnrolmentAnswer: Decodable, Sendable {
    var id: String
    var sessionID: String
    var participantID: String
    var state: String
    var acceptanceRequired: Bool
    var waitlistPosition: Int?
    var group: String?
    var createdAt: Date
}

struct EnrolmentListAnswer: Decodable, Sendable {
    var enrolments: [EnrolmentAnswer]
}

/// `GET /teachers/{id}/record` (enrolment).
struct RecordAnswer: Decodable, Sendable {
    struct Obligation: Decodable, Sendable {
        var requiredMinutes: Int
        var requiredDistanceMinutes: Int
        var doneMinutes: Int
        var doneDistanceMinutes: Int
        var missingMinutes: Int
        var missingDistanceMinutes: Int
        var met: Bool
    }
    struct Training: Decodable, Sendable {
        var title: String
        var completedAt: Date
        var distanceMinutes: Int
        var inPersonMinutes: Int
        var academy: String
    }
    var teacherID: String
    var schoolYear: String
    var totalMinutes: Int
    var distanceMinutes: Int
    var inPersonMinutes: Int
    var obligation: Obligation?
    var trainings: [Training]
}

/// `GET /enrolments/{id}/progress` (tracking).
struct ProgressAnswer: Decodable, Sendable {
    struct Activity: Decodable, Sendable {
        var activityID: String
        var title: String
        var kind: String
        var modality: String
        var required: Bool
        var done: Bool
        var secondsSpent: Int
        var estimatedMinutes: Int
        var bestScore: Double?
        var attendance: String?
    }
    struct Completion: Decodable, Sendable {
        var completedAt: Date
    }
    var enrolmentID: String
    var activities: [Activity]
    var percentRequiredDone: Int
    var requiredDone: Int
    var requiredTotal: Int
    var secondsSpent: Int
    var completion: Completion?
}

/// `GET /sessions/{id}/audit` (tracking): corrections and other audited acts on a session, oldest first.
struct SessionAuditAnswer: Decodable, Sendable {
    struct Entry: Decodable, Sendable {
        var recordedAt: Date
        var actorID: String
        var action: String
        var detail: String
    }
    var entries: [Entry]
}

/// `GET /sessions/{id}/progress` (tracking).
struct SessionProgressAnswer: Decodable, Sendable {
    struct Participant: Decodable, Sendable {
        var enrolmentID: String
        var participantID: String
        var status: String
        var percentRequiredDone: Int
        var requiredDone: Int
        var secondsSpent: Int
        var attendance: [String: String]
        var completed: Bool
        var completedAt: Date?
        var lastSeenAt: Date?
    }
    var sessionID: String
    var requiredActivities: [String]
    var participants: [Participant]
}

/// `GET /courses/{id}/draft`, `GET /drafts` (catalog): a course as its designers see it.
struct DraftAnswer: Decodable, Sendable {
    struct Content: Decodable, Sendable {
        struct Audience: Decodable, Sendable {
            var schoolLevels: [String]
            var disciplines: [String]
            var gradeLevels: [String]
        }
        struct Origin: Decodable, Sendable {
            var kind: String
            var academy: String?
        }
        struct Owner: Decodable, Sendable {
            var organisation: String
        }
        struct Activity: Decodable, Sendable {
            var id: String
            var title: String
            var kind: String
            var modality: String
            var estimatedMinutes: Int
            var required: Bool
            var passThreshold: Double?
        }
        var title: String
        var summary: String
        var objectives: [String]
        var keywords: [String]
        var domain: String
        var audience: Audience
        var origin: Origin
        var nature: String
        var activities: [Activity]
        var owner: Owner
    }
    struct Issue: Decodable, Sendable {
        var field: String
        var problem: String
    }
    var courseID: String
    var status: String
    var revision: Int
    var basedOnVersion: Int
    var pendingChanges: Bool
    var content: Content?
    var publicationIssues: [Issue]
}

struct DraftListAnswer: Decodable, Sendable {
    var drafts: [DraftAnswer]
}
