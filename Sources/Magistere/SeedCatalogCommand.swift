import ArgumentParser
import Foundation
import LoadGenerator
import ServiceSupport

/// `magistere dev seed-catalog`: fills a running catalogue on loopback with generated, published courses
/// through its public API (a designer of each course's offer creates and publishes it), for the catalogue's
/// read benchmark (`scripts/bench catalog`).
struct SeedCatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-catalog",
        abstract: "Create and publish generated courses in a running catalogue, through its API (loopback only).",
        discussion: """
            Each course is created (POST /courses, a complete draft) then published (POST /courses/{id}/publish) \
            with a designer token of its offer: the national offer or one of seven academies. Courses vary in \
            domain, school levels, nature, activities (so modality and duration), title and keywords, generated \
            from their number. Tokens are signed with the HS256 secret the catalogue trusts \
            (MAGISTERE_AUTH_HS256_SECRET or its _FILE form). Exits 1 when a course is refused.
            """)

    @Option(help: "Catalog base URL (loopback only).") var catalog = "http://127.0.0.1:8081"
    @OptionGroup var auth: AuthOptions
    @Option(help: "Courses to create and publish.") var courses = 10_000
    @Option(help: "Concurrent keep-alive connections.") var connections = 16
    @Option(help: "Name of this run (lowercase letters and digits; default random), in designers' ids and keywords.")
    var runID: String?

    func validate() throws {
        guard (1...1_000_000).contains(courses) else { throw ValidationError("--courses must be 1 to 1000000") }
        guard (1...1_024).contains(connections) else { throw ValidationError("--connections must be 1 to 1024") }
        if let runID,
            !(1...16).contains(runID.count) || !runID.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) })
        {
            throw ValidationError("--run-id must be 1 to 16 lowercase letters and digits")
        }
    }

    func run() async throws {
        let target: LoopbackTarget
        do { target = try LoopbackTarget(url: catalog) } catch let error as NotLoopback {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let configuration = try auth.configuration()
        guard let secret = configuration.hmacSecret else {
            throw ValidationError(
                "the designers' tokens are signed here: give the HS256 secret the catalogue trusts (MAGISTERE_AUTH_HS256_SECRET or --auth-hs256-secret-file)"
            )
        }
        let issuer = try await TokenIssuer(
            secret: secret, issuer: configuration.issuer, audience: configuration.audience)
        let seeding = CatalogueSeeding(
            catalog: target, courses: courses, connections: connections, runID: runID ?? LoadBenchCommand.runID(),
            tokens: issuer
        ) { line in FileHandle.standardError.write(Data("seed-catalog: \(line)\n".utf8)) }
        let phases: [PhaseReport]
        do { phases = try await seeding.run() } catch let error as CampaignError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        for phase in phases {
            print(
                phase.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(
                        format: "%6d requests in %5.1f s: %6.0f req/s, p50 %.1f ms, p99 %.1f ms", phase.requests,
                        phase.seconds, phase.requestsPerSecond, phase.latency.p50, phase.latency.p99))
        }
    }
}
