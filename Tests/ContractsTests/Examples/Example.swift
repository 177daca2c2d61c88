import Contracts
import Foundation

/// The ids and helpers shared by the example events: one story, from a course's publication in the
/// académie de Lyon to a primary teacher's completion of its session.
enum Example {
    static let courseID = "8f14e45f-ceea-4e6b-9a3c-2d7b5e0f6a11"
    static let sourceCourse = CourseVersionRef(courseID: "3c59dc04-8b1a-4f2e-b6d7-91e0a4c5f233", version: 2)
    static let course = CourseVersionRef(courseID: courseID, version: 1)
    static let sessionID = "45c48cce-2e2d-4fbd-8a6e-0c1f3b9d7e52"
    static let enrolmentID = "d3d94468-02a4-43c1-9f5b-6e8a7c2b1f04"
    static let academy = "lyon"

    /// Pseudonymous ids of the people involved.
    static let participantID = "u-4e7a1c9f0b3d5e82"
    static let designerID = "u-a91b3c5d7e2f4068"
    static let managerID = "u-2c8e4a6b0d1f3957"
    static let trainerIDs = ["u-6d0f2b4c8e1a3579", "u-b3a5c7e9f1d20468"]
    static let tutorIDs = ["u-0f1e2d3c4b5a6978"]

    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    static func date(_ text: String) -> Date {
        guard let date = Timestamp.parse(text) else { fatalError("bad example date \(text)") }
        return date
    }

    static func envelope<Event: DomainEvent>(id: String, time: String, _ event: Event) -> CloudEvent<Event> {
        CloudEvent(id: id, time: date(time), traceparent: traceparent, event: event)
    }
}
