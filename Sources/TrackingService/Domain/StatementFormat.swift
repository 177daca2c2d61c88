import Foundation

/// The `format` of a statement query (xAPI 1.0.3, Statements resource, GET): how much of each Agent, Group, Activity
/// and Verb a returned statement shows. Statements are stored as sent (`exact`); the other formats are views of them.
enum StatementFormat: String, Sendable, CaseIterable {
    /// As stored.
    case exact
    /// Only what identifies each Agent and Group (its objectType and inverse functional identifier; an anonymous
    /// group's members, each so reduced), Activity (its id) and Verb (its id).
    case ids
    /// Each language map (a Verb's `display`, an Activity definition's `name` and `description`, an interaction
    /// component's `description`) reduced to the one language the client prefers (`Accept-Language`), or the first
    /// one when it names none of them.
    case canonical

    /// The statement `body` (stored JSON) in this format; `languages` are the client's, most preferred first.
    func apply(to body: String, languages: [String]) throws -> String {
        guard self != .exact, case .object(let statement) = try JSONValue.parse(Data(body.utf8)) else { return body }
        return try JSONValue.object(view(of: statement, languages: languages)).canonicalText()
    }

    /// The languages of an `Accept-Language` header, by preference (q values honoured, `*` ignored).
    static func languages(of header: String?) -> [String] {
        guard let header else { return [] }
        let ranked = header.split(separator: ",").enumerated().compactMap {
            (index, part) -> (tag: String, q: Double, index: Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty, tag != "*" else { return nil }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0 ? (tag.lowercased(), q, index) : nil
        }
        return ranked.sorted { ($0.q, -$0.index) > ($1.q, -$1.index) }.map(\.tag)
    }

    private static let identifiers: Set<String> = ["mbox", "mbox_sha1sum", "openid", "account"]

    private func view(of statement: [String: JSONValue], languages: [String]) -> [String: JSONValue] {
        var view = statement
        for key in ["actor", "authority"] { view[key] = statement[key].map(agentOrGroup) }
        view["verb"] = statement["verb"].map { verb($0, languages) }
        if let object = statement["object"] {
            switch object["objectType"]?.string {
            case "Agent", "Group": view["object"] = agentOrGroup(object)
            case "SubStatement":
                if case .object(let sub) = object { view["object"] = .object(self.view(of: sub, languages: languages)) }
            case "StatementRef": break
            default: view["object"] = activity(object, languages)
            }
        }
        if case .object(var context) = statement["context"] {
            for key in ["instructor", "team"] { context[key] = context[key].map(agentOrGroup) }
            if case .object(var activities) = context["contextActivities"] {
                for (key, value) in activities {
                    activities[key] =
                        switch value {
                        case .array(let list): .array(list.map { activity($0, languages) })
                        default: activity(value, languages)
                        }
                }
                context["contextActivities"] = .object(activities)
            }
            view["context"] = .object(context)
        }
        return view
    }

    private func agentOrGroup(_ value: JSONValue) -> JSONValue {
        guard self == .ids, case .object(let members) = value else { return value }
        var kept = members.filter { $0.key == "objectType" || Self.identifiers.contains($0.key) }
        if !members.keys.contains(where: Self.identifiers.contains), case .array(let list) = members["member"] {
            kept["member"] = .array(list.map(agentOrGroup))  // an anonymous group: identified by its members
        }
        return .object(kept)
    }

    private func verb(_ value: JSONValue, _ languages: [String]) -> JSONValue {
        guard case .object(var members) = value else { return value }
        switch self {
        case .exact: return value
        case .ids: return .object(members.filter { $0.key == "id" })
        case .canonical:
            members["display"] = members["display"].map { Self.reduce($0, languages) }
            return .object(members)
        }
    }

    private func activity(_ value: JSONValue, _ languages: [String]) -> JSONValue {
        guard case .object(var members) = value else { return value }
        switch self {
        case .exact: return value
        case .ids: return .object(members.filter { $0.key == "id" || $0.key == "objectType" })
        case .canonical:
            guard case .object(var definition) = members["definition"] else { return value }
            for key in ["name", "description"] { definition[key] = definition[key].map { Self.reduce($0, languages) } }
            for key in ["choices", "scale", "source", "target", "steps"] {
                guard case .array(let components) = definition[key] else { continue }
                definition[key] = .array(
                    components.map { component in
                        guard case .object(var parts) = component else { return component }
                        parts["description"] = parts["description"].map { Self.reduce($0, languages) }
                        return .object(parts)
                    })
            }
            members["definition"] = .object(definition)
            return .object(members)
        }
    }

    /// A language map reduced to its best entry for `languages`: an exact tag, then a tag of the same primary
    /// language, then the first tag in order.
    private static func reduce(_ value: JSONValue, _ languages: [String]) -> JSONValue {
        guard case .object(let map) = value, map.count > 1 else { return value }
        let tags = map.keys.sorted()
        let chosen =
            languages.lazy.compactMap { wanted in
                tags.first { $0.lowercased() == wanted }
                    ?? tags.first {
                        $0.lowercased().split(separator: "-").first == wanted.split(separator: "-").first
                    }
            }.first ?? tags[0]
        return .object([chosen: map[chosen]!])
    }
}
