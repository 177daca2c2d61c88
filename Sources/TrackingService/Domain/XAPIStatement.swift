import Contracts
import Foundation

/// An xAPI 1.0.3 statement, validated and normalised for storage.
///
/// Names are not stored: `name` is removed from the actor (and group members, instructor, agent
/// objects); agents are identified by their inverse functional identifier, ideally
/// `account {homePage, name}` with the participant's pseudonymous id as name, or `mbox_sha1sum`.
/// The platform's people are the accounts of ``XAPIVocabulary/accountHomePage`` (``agentKey(ofSubject:)``).
/// `authority` is set by the LRS to the caller who sent the statement, never taken from the client.
struct XAPIStatement: Sendable {
    var id: String
    /// The statement as stored and returned (with `id`, `stored`, `timestamp`, `version`).
    var document: JSONValue
    /// The content compared to decide "same statement" (without `stored`, `authority`, `version`).
    var fingerprint: String
    /// The actor's identifier as ``identifier(of:field:)`` spells it (nil for an anonymous group).
    var actorKey: String?
    var verbID: String
    /// The object's id when it is an Activity.
    var objectActivityID: String?
    /// The target of a voiding statement.
    var voidedStatementID: String?
    var registration: String?
    var timestamp: Date
    var stored: Date
    var result: JSONValue?
    /// The statement's attachments: the SHA-256 of each (lowercase hex) and whether its content must come with the
    /// statement (no `fileUrl`: a part of the multipart/mixed request).
    var attachments: [(sha2: String, needsPart: Bool, contentType: String)] = []

    struct Invalid: Error, Sendable {
        var field: String
        var problem: String
    }

    static let topLevel: Set<String> = [
        "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version",
        "attachments", "objectType",
    ]

    /// - Parameter authority: the pseudonymous id of the caller who sent it, stored as its `authority`.
    init(_ json: JSONValue, id fixedID: String? = nil, stored: Date, authority: String) throws(Invalid) {
        guard var members = json.object else { throw Invalid(field: "", problem: "a statement is a JSON object") }
        if let unknown = Set(members.keys).subtracting(Self.topLevel).sorted().first {
            throw Invalid(field: unknown, problem: "not a statement property")
        }
        if let given = members["id"] {
            guard let text = given.string, let uuid = UUID(uuidString: text) else {
                throw Invalid(field: "id", problem: "must be a UUID")
            }
            if let fixedID, fixedID.lowercased() != uuid.uuidString.lowercased() {
                throw Invalid(field: "id", problem: "does not match the statementId parameter")
            }
        }
        let id = (fixedID ?? members["id"]?.string ?? UUID().uuidString).lowercased()
        if let version = members["version"] {
            guard let text = version.string, text.hasPrefix("1.0") else {
                throw Invalid(field: "version", problem: "must be 1.0.x")
            }
        }
        guard let actor = members["actor"] else { throw Invalid(field: "actor", problem: "required") }
        let actorKey = try Self.validateAgent(actor, field: "actor", allowGroup: true)
        guard let verb = members["verb"]?.object, let verbID = verb["id"]?.string, Self.isIRI(verbID) else {
            throw Invalid(field: "verb.id", problem: "required, an IRI")
        }
        guard let object = members["object"]?.object else { throw Invalid(field: "object", problem: "required") }
        var objectActivityID: String?
        var voided: String?
        switch object["objectType"]?.string ?? "Activity" {
        case "Activity":
            guard let objectID = object["id"]?.string, Self.isIRI(objectID) else {
                throw Invalid(field: "object.id", problem: "required, an IRI")
            }
            objectActivityID = objectID
        case "Agent", "Group":
            _ = try Self.validateAgent(.object(object), field: "object", allowGroup: true)
        case "StatementRef":
            guard let target = object["id"]?.string, UUID(uuidString: target) != nil else {
                throw Invalid(field: "object.id", problem: "a StatementRef needs a statement UUID")
            }
            if verbID == XAPIVocabulary.Verb.voided.rawValue { voided = target.lowercased() }
        case "SubStatement":
            guard object["actor"] != nil, object["verb"] != nil, object["object"] != nil else {
                throw Invalid(field: "object", problem: "a SubStatement needs actor, verb and object")
            }
        default:
            throw Invalid(field: "object.objectType", problem: "unknown object type")
        }
        if verbID == XAPIVocabulary.Verb.voided.rawValue, voided == nil {
            throw Invalid(field: "object", problem: "a voiding statement's object is a StatementRef")
        }
        var registration: String?
        if let context = members["context"] {
            guard let context = context.object else { throw Invalid(field: "context", problem: "must be an object") }
            if let value = context["registration"] {
                guard let text = value.string, UUID(uuidString: text) != nil else {
                    throw Invalid(field: "context.registration", problem: "must be a UUID")
                }
                registration = text.lowercased()
            }
        }
        if let result = members["result"] {
            guard let result = result.object else { throw Invalid(field: "result", problem: "must be an object") }
            if let scaled = result["score"]?["scaled"] {
                guard let value = scaled.number, (-1...1).contains(value) else {
                    throw Invalid(field: "result.score.scaled", problem: "must be a number between -1 and 1")
                }
            }
            if let duration = result["duration"] {
                guard let text = duration.string, Self.seconds(ofDuration: text) != nil else {
                    throw Invalid(
                        field: "result.duration", problem: "must be an ISO 8601 duration of at most 100 years")
                }
            }
        }
        let attachments = try Self.attachments(members["attachments"])
        var timestamp = stored
        if let given = members["timestamp"] {
            guard let text = given.string, let date = Timestamp.parse(text) else {
                throw Invalid(field: "timestamp", problem: "must be an ISO 8601 date-time")
            }
            timestamp = date
        }

        // Normalise: no names, no client-set stored/authority/version in the compared content.
        members["actor"] = Self.withoutNames(actor)
        if case .object(var objectMembers) = members["object"]!,
            ["Agent", "Group"].contains(objectMembers["objectType"]?.string ?? "")
        {
            objectMembers["name"] = nil
            members["object"] = .object(objectMembers)
        }
        if case .object(var context) = members["context"], let instructor = context["instructor"] {
            context["instructor"] = Self.withoutNames(instructor)
            members["context"] = .object(context)
        }
        for key in ["id", "stored", "authority", "version"] { members[key] = nil }
        let fingerprint: String
        do { fingerprint = try JSONValue.object(members).canonicalText() } catch {
            throw Invalid(field: "", problem: "cannot be encoded")
        }
        members["id"] = .string(id)
        members["stored"] = .string(Timestamp.format(stored))
        members["timestamp"] = members["timestamp"] ?? .string(Timestamp.format(timestamp))
        members["version"] = .string("1.0.0")
        members["authority"] = .object([
            "objectType": .string("Agent"),
            "account": .object(["homePage": .string(XAPIVocabulary.accountHomePage), "name": .string(authority)]),
        ])

        self.id = id
        self.document = .object(members)
        self.fingerprint = fingerprint
        self.actorKey = actorKey
        self.verbID = verbID
        self.objectActivityID = objectActivityID
        self.voidedStatementID = voided
        self.registration = registration
        self.timestamp = timestamp
        self.stored = stored
        self.result = members["result"]
        self.attachments = attachments
    }

    static let maximumAttachments = 16

    /// Checks a statement's `attachments` (usageType, display, contentType, length, sha2, optional fileUrl).
    static func attachments(
        _ value: JSONValue?
    ) throws(Invalid) -> [(sha2: String, needsPart: Bool, contentType: String)] {
        guard let value else { return [] }
        guard let list = value.array else { throw Invalid(field: "attachments", problem: "must be an array") }
        guard list.count <= maximumAttachments else {
            throw Invalid(field: "attachments", problem: "at most \(maximumAttachments) attachments per statement")
        }
        var found: [(sha2: String, needsPart: Bool, contentType: String)] = []
        for (index, item) in list.enumerated() {
            let field = "attachments[\(index)]"
            guard let attachment = item.object else { throw Invalid(field: field, problem: "must be an object") }
            guard let usage = attachment["usageType"]?.string, isIRI(usage) else {
                throw Invalid(field: "\(field).usageType", problem: "required, an IRI")
            }
            guard attachment["display"]?.object != nil else {
                throw Invalid(field: "\(field).display", problem: "required, a language map")
            }
            guard let type = attachment["contentType"]?.string, !type.isEmpty else {
                throw Invalid(field: "\(field).contentType", problem: "required, a media type")
            }
            guard let length = attachment["length"]?.number, length >= 0, length == length.rounded() else {
                throw Invalid(field: "\(field).length", problem: "required, a whole number of octets")
            }
            guard let sha2 = attachment["sha2"]?.string?.lowercased(), sha2.count == 64,
                sha2.allSatisfy(\.isHexDigit)
            else {
                throw Invalid(field: "\(field).sha2", problem: "required, the SHA-256 of the content in hexadecimal")
            }
            if let url = attachment["fileUrl"], !(url.string.map(isIRI) ?? false) {
                throw Invalid(field: "\(field).fileUrl", problem: "must be an IRL")
            }
            found.append((sha2, attachment["fileUrl"] == nil, type))
        }
        return found
    }

    /// Whether the statement is meant to move progress: a progress verb about an activity of the platform's
    /// scheme, under a registration (an enrolment id).
    var describesProgress: Bool {
        guard let verb = XAPIVocabulary.Verb(rawValue: verbID), verb != .voided, registration != nil,
            let iri = objectActivityID
        else { return false }
        return XAPIVocabulary.activity(fromIRI: iri) != nil
    }

    // MARK: - Agents

    /// Validates an agent or group; returns its identifying key (nil for an anonymous group).
    static func validateAgent(_ value: JSONValue, field: String, allowGroup: Bool) throws(Invalid) -> String? {
        guard let agent = value.object else { throw Invalid(field: field, problem: "must be an object") }
        let type = agent["objectType"]?.string ?? "Agent"
        guard type == "Agent" || (allowGroup && type == "Group") else {
            throw Invalid(field: "\(field).objectType", problem: "must be Agent or Group")
        }
        let key = try identifier(of: agent, field: field)
        if type == "Group" {
            if let members = agent["member"] {
                guard let list = members.array else {
                    throw Invalid(field: "\(field).member", problem: "must be an array")
                }
                for (index, member) in list.enumerated() {
                    _ = try validateAgent(member, field: "\(field).member[\(index)]", allowGroup: false)
                }
            } else if key == nil {
                throw Invalid(field: "\(field).member", problem: "an anonymous group lists its members")
            }
        } else if key == nil {
            throw Invalid(field: field, problem: "an agent needs exactly one of mbox, mbox_sha1sum, openid, account")
        }
        return key
    }

    /// The key an agent is matched on: its one inverse functional identifier.
    static func identifier(of agent: [String: JSONValue], field: String) throws(Invalid) -> String? {
        var keys: [String] = []
        if let mbox = agent["mbox"] {
            guard let text = mbox.string, text.hasPrefix("mailto:") else {
                throw Invalid(field: "\(field).mbox", problem: "must be a mailto: IRI")
            }
            keys.append("mbox:\(text.lowercased())")
        }
        if let sum = agent["mbox_sha1sum"] {
            guard let text = sum.string, text.count == 40, text.allSatisfy(\.isHexDigit) else {
                throw Invalid(field: "\(field).mbox_sha1sum", problem: "must be 40 hex digits")
            }
            keys.append("mbox_sha1sum:\(text.lowercased())")
        }
        if let openid = agent["openid"] {
            guard let text = openid.string, isIRI(text) else {
                throw Invalid(field: "\(field).openid", problem: "must be a URI")
            }
            keys.append("openid:\(text)")
        }
        if let account = agent["account"] {
            guard let home = account["homePage"]?.string, isIRI(home), let name = account["name"]?.string, !name.isEmpty
            else { throw Invalid(field: "\(field).account", problem: "needs homePage (an IRL) and name") }
            keys.append(accountKey(homePage: home, name: name))
        }
        guard keys.count <= 1 else {
            throw Invalid(field: field, problem: "must have exactly one inverse functional identifier")
        }
        return keys.first
    }

    static func accountKey(homePage: String, name: String) -> String { "account:\(homePage)|\(name)" }

    /// The key of the platform's agent for a pseudonymous id: how a caller appears as a statement's actor.
    static func agentKey(ofSubject subject: String) -> String {
        accountKey(homePage: XAPIVocabulary.accountHomePage, name: subject)
    }

    /// The agent's key from a query's `agent` parameter (a JSON agent).
    static func key(ofAgentParameter text: String) throws(Invalid) -> String {
        guard let value = try? JSONValue.parse(Data(text.utf8)), let agent = value.object,
            let key = try identifier(of: agent, field: "agent")
        else { throw Invalid(field: "agent", problem: "must be a JSON agent with one identifier") }
        return key
    }

    static func withoutNames(_ value: JSONValue) -> JSONValue {
        guard var agent = value.object else { return value }
        agent["name"] = nil
        if let members = agent["member"]?.array { agent["member"] = .array(members.map(withoutNames)) }
        return .object(agent)
    }

    static func isIRI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return false }
        return text[..<colon].allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            && !text.contains(" ")
    }

    /// Seconds of an ISO 8601 duration such as `PT1H30M`, `PT45.5S`, `P1DT2H`; nil when it is not one.
    ///
    /// The result is finite and never negative: a duration too large to be a real one (more than
    /// ``longestDuration``) is nil, like a malformed one, so that no caller converts an infinite or huge
    /// value to an integer.
    static func seconds(ofDuration text: String) -> Double? {
        guard text.hasPrefix("P"), text.count > 1, text.utf8.count <= 64 else { return nil }
        var total = 0.0
        var number = ""
        var inTime = false
        var sawComponent = false
        for character in text.dropFirst() {
            if character == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number), value.isFinite else { return nil }
            number = ""
            sawComponent = true
            switch (character, inTime) {
            case ("Y", false): total += value * 365 * 86400
            case ("M", false): total += value * 30 * 86400
            case ("W", false): total += value * 7 * 86400
            case ("D", false): total += value * 86400
            case ("H", true): total += value * 3600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
        }
        guard number.isEmpty, sawComponent, total.isFinite, total <= Self.longestDuration else { return nil }
        return total
    }

    /// The longest duration a statement may state: 100 years, far beyond any activity (progress itself is
    /// bounded per report by ``ProgressRecord/maximumSeconds``).
    static let longestDuration: Double = 100 * 365 * 86400
}
