import Contracts

/// The bodies of the authoring operations that are not a whole draft or activity.
enum AuthoringRequests {
    /// `PUT /courses/{id}/draft/activity-order`.
    struct ActivityOrder: Codable, Sendable {
        var activityIDs: [String]
    }

    /// `POST /courses/{id}/draft/activities`: an activity and, optionally, where to insert it (0-based).
    struct NewActivity: Decodable, Sendable {
        var activity: Activity
        var position: Int?

        init(from decoder: any Decoder) throws {
            activity = try Activity(from: decoder)
            let container = try decoder.container(keyedBy: Keys.self)
            position = try container.decodeIfPresent(Int.self, forKey: .position)
        }

        enum Keys: String, CodingKey { case position }
    }

    /// `POST /courses/{id}/archive` (the body is optional).
    struct Archive: Codable, Sendable {
        var reason: String?
    }

    /// `POST /courses/{id}/derive`.
    struct Derive: Codable, Sendable {
        /// The source version; its latest when absent.
        var version: Int?
        var origin: CourseOrigin
        var owner: CourseOwner
        var title: String?
    }
}
