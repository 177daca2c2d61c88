import Contracts
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Messaging
import ServiceSupport
@_exported import TestSupport
import Testing

@testable import CatalogService

/// A catalogue built by the real composition root on a real SQLite file in a temporary folder (TestSupport's
/// ``ServiceFixture``).
typealias CatalogFixture = ServiceFixture<CatalogServiceFactory.Assembly>

extension CatalogServiceFactory.Assembly: ServiceAssembly {}

extension ServiceFixture where Assembly == CatalogServiceFactory.Assembly {
    static func make(seed: Bool = false, transport: (any MessageTransport)? = nil) async throws -> CatalogFixture {
        try await CatalogFixture("catalog", transport: transport) {
            try await CatalogServiceFactory.assemble($0, options: .init(loadSeed: seed))
        }
    }
}

// MARK: - Callers

/// The tokens of the callers the tests play.
enum Callers {
    /// A designer of the national scope (`"academy": "national"`): authors the national offer.
    static func nationalDesigner(_ subject: String = "d-national") async throws -> HTTPFields {
        try await TestAuth.headers(subject, .designer, academy: "national")
    }

    /// A designer of `academy`: authors that academy's offer only.
    static func designer(of academy: String, _ subject: String? = nil) async throws -> HTTPFields {
        try await TestAuth.headers(subject ?? "d-\(academy)", .designer, academy: academy)
    }
}

// MARK: - Request bodies

/// Course origins as clients send them.
enum Origins {
    static var national: [String: Any] { ["kind": "national", "sharedNationally": true] }

    static func academy(_ code: String, shared: Bool = false) -> [String: Any] {
        ["kind": "academy", "academy": code, "sharedNationally": shared]
    }
}

enum Bodies {
    static func activity(
        _ title: String, kind: String = "video", minutes: Int = 30, modality: String = "distance",
        threshold: Double? = nil
    ) -> [String: Any] {
        var activity: [String: Any] = ["title": title, "kind": kind, "estimatedMinutes": minutes, "modality": modality]
        if let threshold { activity["passThreshold"] = threshold }
        return activity
    }

    static func course(
        title: String = "Enseigner la compréhension au CE1",
        objectives: [String] = ["Conduire une évaluation diagnostique de la compréhension"],
        activities: [[String: Any]]? = nil, origin: [String: Any] = Origins.national,
        schoolLevels: [String] = ["primary"], domain: String = "Français", keywords: [String] = ["lecture"]
    ) -> [String: Any] {
        [
            "title": title, "summary": "Des stratégies explicites pour comprendre les textes.",
            "objectives": objectives,
            "keywords": keywords, "domain": domain, "nature": "tutored",
            "audience": ["schoolLevels": schoolLevels, "disciplines": ["Français"], "gradeLevels": ["CE1"]],
            "origin": origin, "owner": ["organisation": "DGESCO"],
            "activities": activities ?? [
                activity("Vidéo d'introduction"),
                activity("Quiz", kind: "selfAssessmentQuiz", minutes: 15, threshold: 0.7),
                activity("Regroupement", kind: "inPersonMeeting", minutes: 180, modality: "inPerson"),
            ],
        ]
    }
}

extension TestClientProtocol {
    /// Creates a course as `designer` (of the course's scope) and returns its id.
    func createCourse(_ body: [String: Any] = Bodies.course(), as designer: HTTPFields) async throws -> String {
        let response = try await send(.post, "/courses", json: body, as: designer)
        try #require(response.status == .created, "create failed: \(String(buffer: response.body))")
        return try #require(try response.object["courseID"] as? String)
    }

    /// Creates and publishes a course as `designer`; returns its id.
    func publishedCourse(_ body: [String: Any] = Bodies.course(), as designer: HTTPFields) async throws -> String {
        let id = try await createCourse(body, as: designer)
        let response = try await send(.post, "/courses/\(id)/publish", as: designer)
        try #require(response.status == .created, "publish failed: \(String(buffer: response.body))")
        return id
    }
}
