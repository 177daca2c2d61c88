import HTTPTypes
import ServiceSupport

/// A caller of the tests: a subject holding one role, with the token's academy claim.
///
/// The fixtures' sessions are in academy `lyon`, led by trainer `f-1` and accompanied by tutor `tu-1`.
struct TestCaller: Sendable, CustomStringConvertible {
    let subject: String
    let role: Role
    let academy: String?
    var districts: [String] = []

    /// A manager of the fixtures' academy.
    static let manager = TestCaller(subject: "mgr-1", role: .manager, academy: "lyon")
    static let otherAcademyManager = TestCaller(subject: "mgr-2", role: .manager, academy: "grenoble")
    /// A manager of the national scope (`"academy": "national"`).
    static let nationalManager = TestCaller(subject: "mgr-n", role: .manager, academy: "national")
    /// The trainer and tutor the fixtures' plans assign.
    static let trainer = TestCaller(subject: "f-1", role: .trainer, academy: "lyon")
    static let tutor = TestCaller(subject: "tu-1", role: .tutor, academy: "lyon")
    /// A trainer and a tutor of the same academy, assigned to no fixture session.
    static let otherTrainer = TestCaller(subject: "f-9", role: .trainer, academy: "lyon")
    static let otherTutor = TestCaller(subject: "tu-9", role: .tutor, academy: "lyon")

    static func teacher(_ id: String) -> TestCaller { TestCaller(subject: id, role: .participant, academy: "lyon") }

    /// Someone holding `role` only, in the fixtures' academy.
    static func holding(_ role: Role) -> TestCaller {
        TestCaller(subject: "x-\(role.rawValue)", role: role, academy: "lyon")
    }

    /// An inspector of `districts` of `academy`.
    static func inspector(of districts: [String], academy: String = "lyon") -> TestCaller {
        TestCaller(subject: "ien-1", role: .inspector, academy: academy, districts: districts)
    }

    /// `Authorization: Bearer …` for this caller.
    func headers() async throws -> HTTPFields {
        guard !districts.isEmpty else { return try await TestAuth.headers(subject, role, academy: academy) }
        let token = try await TokenIssuer(secret: TestAuth.secret).token(
            subject: subject, roles: [role], academy: academy, districts: districts)
        return [.authorization: "Bearer \(token)"]
    }

    var description: String { "\(subject) [\(role.rawValue)\(academy.map { " @\($0)" } ?? "")]" }
}
