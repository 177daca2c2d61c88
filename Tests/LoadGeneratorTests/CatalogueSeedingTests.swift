import Foundation
import Testing

@testable import LoadGenerator

@Suite("The catalogue's benchmark courses are varied, complete drafts")
struct CatalogueSeedingTests {
    /// The first 2,000 generated drafts, as JSON objects.
    static func drafts() throws -> [(academy: String?, object: [String: Any])] {
        try (0..<2_000).map { number in
            let draft = CatalogueSeeding.draft(number: number, run: "test")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(draft.json.utf8)) as? [String: Any])
            return (draft.academy, object)
        }
    }

    @Test("every draft is valid JSON with what publication needs, in its designer's offer")
    func complete() throws {
        for (academy, draft) in try Self.drafts() {
            for field in ["title", "summary", "domain"] {
                #expect(!((draft[field] as? String) ?? "").isEmpty, "\(field)")
            }
            #expect(!((draft["objectives"] as? [String]) ?? []).isEmpty)
            let audience = try #require(draft["audience"] as? [String: Any])
            #expect(!((audience["schoolLevels"] as? [String]) ?? []).isEmpty)
            let activities = try #require(draft["activities"] as? [[String: Any]])
            #expect((2...6).contains(activities.count))
            for activity in activities {
                let quiz = activity["kind"] as? String == "selfAssessmentQuiz"
                #expect((activity["passThreshold"] != nil) == quiz)
                #expect(((activity["estimatedMinutes"] as? Int) ?? 0) > 0)
            }
            let origin = try #require(draft["origin"] as? [String: Any])
            #expect(origin["academy"] as? String == academy)
            #expect(origin["kind"] as? String == (academy == nil ? "national" : "academy"))
        }
    }

    @Test("drafts spread over every facet value, and the same number gives the same draft")
    func varied() throws {
        let drafts = try Self.drafts()
        let domains = Set(drafts.compactMap { $0.object["domain"] as? String })
        #expect(domains.count == CatalogueSeeding.domains.count)
        #expect(Set(drafts.map { $0.academy ?? "national" }).count == CatalogueSeeding.academies.count + 1)
        #expect(Set(drafts.compactMap { $0.object["nature"] as? String }) == ["selfPaced", "tutored"])
        let modalities = Set(
            drafts.map { draft in
                Set(((draft.object["activities"] as? [[String: Any]]) ?? []).compactMap { $0["modality"] as? String })
            })
        #expect(modalities == [["distance"], ["inPerson"], ["distance", "inPerson"]])
        #expect(Set(drafts.compactMap { $0.object["title"] as? String }).count == drafts.count)
        #expect(CatalogueSeeding.draft(number: 42, run: "x").json == CatalogueSeeding.draft(number: 42, run: "x").json)
    }
}
