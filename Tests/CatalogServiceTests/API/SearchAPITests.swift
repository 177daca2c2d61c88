import Contracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Testing

@testable import CatalogService

@Suite("Teachers find courses by words and facets, page by page")
struct SearchAPITests {
    @Test("a word of the objectives finds the course with and without its accents")
    func objectivesWithAndWithoutAccents() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            let id = try await client.publishedCourse(
                Bodies.course(
                    title: "Parcours de consolidation",
                    objectives: ["Concevoir une remédiation différenciée en géométrie"],
                    keywords: []), as: designer)
            for query in ["remédiation", "remediation", "REMEDIATION", "différenciée geometrie"] {
                let response = try await client.send(
                    .get, "/search?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(response.status == .ok)
                #expect(try response.itemIDs == [id], "q=\(query)")
            }
        }
    }

    @Test("a page read before a publication or an archival is not served again after it (encoded pages are cached)")
    func cachedPagesFollowTheOffer() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        let designer = try await Callers.nationalDesigner()
        try await fixture.application.test(.router) { client in
            // Given the same listing and search read twice (the second from the cache)
            let listing = "/courses?schoolLevel=primary&sort=published&limit=5"
            let search = "/search?q=remediation"
            for _ in 0..<2 {
                #expect(try await client.send(.get, search).itemIDs == [])
            }
            let before = try await client.send(.get, listing)
            #expect(try await client.send(.get, listing).body == before.body)

            // When a designer publishes a course that both should now show
            let id = try await client.publishedCourse(
                Bodies.course(title: "Remédiation en géométrie", objectives: ["Remédiation"]), as: designer)

            // Then both answer with it, then without it once it is archived
            #expect(try await client.send(.get, search).itemIDs == [id])
            #expect(try await client.send(.get, listing).itemIDs.first == id)
            let archived = try await client.send(.post, "/courses/\(id)/archive", as: designer)
            #expect(archived.status == .ok)
            #expect(try await client.send(.get, search).itemIDs == [])
            #expect(try await client.send(.get, listing).itemIDs.contains(id) == false)
        }
    }

    @Test("'evaluation' finds the seed courses about evaluation, a title match first, accents or not")
    func seedEvaluation() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        try await fixture.application.test(.router) { client in
            let response = try await client.send(.get, "/search?q=evaluation")
            let ids = try response.itemIDs
            #expect(ids.first == "seed-eps-college-acrosport")  // the only title with the word itself
            #expect(ids.contains("seed-evaluer-progresser"))
            #expect(!ids.contains("seed-musique-chorale"))
            let read1 = try await client.send(.get, "/search?q=%C3%A9valuation")
            #expect(try read1.itemIDs == ids)
            let read2 = try await client.send(.get, "/search?q=zzzyxw")
            #expect(try read2.object["total"] as? Int == 0)
        }
    }

    @Test("filters narrow the listing, and facets count the other values of each facet")
    func facets() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        try await fixture.application.test(.router) { client in
            let all = try await client.send(.get, "/courses?limit=100")
            let total = try #require(try all.object["total"] as? Int)
            #expect(total == 36)
            let primary = try await client.send(.get, "/courses?schoolLevel=primary&limit=100")
            let counts = try primary.facet("schoolLevel")
            #expect(try primary.object["total"] as? Int == counts["primary"])
            #expect((counts["secondary"] ?? 0) > 0)
            let items = try #require(try primary.object["items"] as? [[String: Any]])
            #expect(items.allSatisfy { ($0["schoolLevels"] as? [String])?.contains("primary") == true })
            #expect(try primary.facet("duration").values.reduce(0, +) == counts["primary"])

            let lyon = try await client.send(.get, "/courses?origin=academy&academy=lyon")
            #expect(try lyon.itemIDs.sorted() == ["seed-emi-information", "seed-tsa-classe"])
            let maths = try await client.send(.get, "/search?q=math%C3%A9matiques&duration=moreThan9h")
            #expect(try maths.itemIDs == ["seed-mathematiques-lycee-algo"])
            let hybrid = try await client.send(.get, "/courses?modality=hybrid&nature=selfPaced")
            #expect(try hybrid.object["total"] as? Int == 0)
            #expect(try all.facet("duration").count == 4)
            #expect(try all.facet("origin")["national"] ?? 0 > 10)
        }
    }

    @Test("pages neither repeat nor skip a course, in publication order")
    func paging() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        try await fixture.application.test(.router) { client in
            var seen: [String] = []
            for page in 1...6 {
                let response = try await client.send(.get, "/courses?limit=7&page=\(page)&sort=published")
                #expect(try response.object["page"] as? Int == page)
                seen += try response.itemIDs
            }
            #expect(seen.count == 36)
            #expect(Set(seen).count == 36)
            let all = try await client.send(.get, "/courses?limit=100").itemIDs
            #expect(seen == all)
            let beyond = try await client.send(.get, "/courses?limit=7&page=7")
            #expect(try beyond.itemIDs.isEmpty)
        }
    }

    @Test(
        "unknown, repeated or out-of-range query parameters are 400 problems naming the parameter",
        arguments: [
            ("/courses?colour=blue", "colour"), ("/courses?q=lecture", "q"), ("/search?limit=101", "limit"),
            ("/search?limit=0", "limit"), ("/search?page=abc", "page"), ("/search?schoolLevel=college", "schoolLevel"),
            ("/search?sort=popular", "sort"), ("/search?origin=national&origin=academy", "origin"),
            ("/search?duration=long", "duration"), ("/courses?page=0", "page"), ("/courses?page=10001", "page"),
            ("/courses?limit=-1", "limit"), ("/courses?limit=1e2", "limit"),
            ("/courses?limit=99999999999999999999", "limit"),
            ("/search?q=" + String(repeating: "a", count: 201), "q"), ("/courses?academy=", "academy"),
            ("/courses?domain=" + String(repeating: "x", count: 101), "domain"), ("/courses?Limit=5", "Limit"),
            ("/courses/seed-lecture-cp?limit=5", "limit"), ("/courses/seed-lecture-cp/versions?page=2", "page"),
            ("/courses/seed-lecture-cp/versions/1?x=1", "x"),
        ])
    func badParameters(uri: String, parameter: String) async throws {
        let fixture = try await CatalogFixture.make()
        try await fixture.application.test(.router) { client in
            let response = try await client.send(.get, uri)
            #expect(response.status == .badRequest)
            #expect(try response.problemFields == [parameter])
        }
    }

    @Test("full-text syntax, quotes and SQL in q are searched as plain words, never interpreted")
    func hostileText() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        try await fixture.application.test(.router) { client in
            for query in [
                "\"", "*", "NEAR(a b)", "lecture OR 1=1", "title:lecture", "'; DROP TABLE catalog_course; --", "-",
                "^a", "%00",
            ] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let response = try await client.send(.get, "/search?q=\(encoded)")
                #expect(response.status == .ok, "q=\(query): \(String(buffer: response.body))")
            }
            let all = try await client.send(.get, "/courses?limit=1")
            #expect(try all.object["total"] as? Int == 36)
        }
    }

    @Test("seeding publishes every seed course once through the outbox; seeding again adds nothing")
    func seedIsIdempotent() async throws {
        let fixture = try await CatalogFixture.make(seed: true)
        #expect(try await fixture.outboxStatus().pending == 36)
        let before = try await fixture.dump()
        let again = try await fixture.restarted {
            try await CatalogServiceFactory.assemble($0, options: .init(loadSeed: true))
        }
        #expect(try await again.dump() == before)
        try await again.application.test(.router) { client in
            let read3 = try await client.send(.get, "/courses/seed-lecture-cp")
            #expect(try read3.object["latestVersion"] as? Int == 1)
        }
    }
}

extension TestResponse {
    var itemIDs: [String] {
        get throws { ((try object["items"] as? [[String: Any]]) ?? []).compactMap { $0["courseID"] as? String } }
    }

    func facet(_ name: String) throws -> [String: Int] {
        let facets = try #require(try object["facets"] as? [String: Any])
        let counts = try #require(facets[name] as? [[String: Any]])
        return Dictionary(
            uniqueKeysWithValues: counts.compactMap { entry in
                (entry["value"] as? String).flatMap { value in (entry["count"] as? Int).map { (value, $0) } }
            })
    }
}
