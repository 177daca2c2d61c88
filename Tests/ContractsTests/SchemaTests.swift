import Contracts
import Foundation
import Testing

@Suite("Each JSON Schema says exactly what the Swift contract accepts")
struct SchemaTests {
    @Test("the golden file is valid against its schema", arguments: ContractCase.all)
    func goldenIsValid(_ contract: ContractCase) throws {
        let validator = SchemaValidator(root: try contract.schema())
        let problems = validator.validate(try JSONValue.parse(contract.golden()))
        #expect(problems.isEmpty, "\(contract.eventType): \(problems.joined(separator: "; "))")
    }

    @Test(
        "the schema's envelope names the event's type and the only service allowed to publish it",
        arguments: ContractCase.all)
    func envelopeConstants(_ contract: ContractCase) throws {
        let schema = try contract.schema()
        #expect(schema["$schema"]?.stringValue == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["title"]?.stringValue == contract.eventType.rawValue)
        #expect(schema["properties"]?["type"]?["const"]?.stringValue == contract.eventType.rawValue)
        #expect(schema["properties"]?["source"]?["const"]?.stringValue == contract.producer.source)
        #expect(schema["properties"]?["specversion"]?["const"]?.stringValue == "1.0")
    }

    @Test(
        "a field is required by the schema exactly when decoding fails without it, and the error names it",
        arguments: ContractCase.all)
    func requiredMeansRequired(_ contract: ContractCase) throws {
        // Given the golden file, in which every optional field is set
        var walk = try FieldWalk(contract: contract)
        // When each field in turn is removed and the rest decoded
        try walk.run()
        // Then decoding fails exactly for the fields the schema requires
        #expect(walk.mismatches.isEmpty, "\(contract.eventType):\n\(walk.mismatches.joined(separator: "\n"))")
        #expect(walk.removals > 10)
    }

    @Test(
        "the schema documents exactly the fields the golden file carries, at every level", arguments: ContractCase.all)
    func propertiesAreTheGoldenKeys(_ contract: ContractCase) throws {
        var walk = try FieldWalk(contract: contract)
        try walk.run()
        for (shape, documented) in walk.documented {
            let seen = walk.keysSeen[shape] ?? []
            #expect(
                seen == documented,
                """
                \(contract.eventType) at '\(shape.isEmpty ? "(root)" : shape)': \
                undocumented \(seen.subtracting(documented).sorted()), never set \(documented.subtracting(seen).sorted())
                """)
        }
    }

    @Test("the schemas' enumerations list exactly the cases of the Swift enums", arguments: ContractCase.all)
    func enumerationsMatch(_ contract: ContractCase) throws {
        let expected: [String: [String]] = [
            "SchoolLevel": SchoolLevel.allCases.map(\.rawValue),
            "ActivityKind": ActivityKind.allCases.map(\.rawValue),
            "Modality": Modality.allCases.map(\.rawValue),
            "Grouping": Grouping.allCases.map(\.rawValue),
            "Nature": Nature.allCases.map(\.rawValue),
            "EnrolmentMode": EnrolmentMode.allCases.map(\.rawValue),
            "DurationBucket": DurationBucket.allCases.map(\.rawValue),
            "CourseOriginKind": CourseOrigin.Kind.allCases.map(\.rawValue),
            "MoveOn": MoveOn.allCases.map(\.rawValue),
            "CompletionRevocationCause": CourseCompletionRevoked.Cause.allCases.map(\.rawValue),
        ]
        let schema = try contract.schema()
        // Every enum lives in a named definition that mirrors a Swift enum, so none can hide elsewhere.
        for (path, options) in Self.enumerations(in: schema, at: "") {
            let name = path.hasPrefix("$defs.") ? String(path.dropFirst("$defs.".count)) : path
            let cases = try #require(expected[name], "\(contract.eventType): enum at '\(path)' mirrors no Swift enum")
            #expect(options == cases, "\(contract.eventType): \(name)")
        }
    }

    @Test("the validator rejects what the schemas forbid")
    func validatorIsNotVacuous() throws {
        let contract = try #require(ContractCase.all.first { $0.eventType == SessionScheduled.eventType })
        let validator = SchemaValidator(root: try contract.schema())
        let golden = try JSONValue.parse(contract.golden())
        let broken: [(JSONPath, JSONValue?)] = [
            (JSONPath([.key("data"), .key("capacity")]), .string("vingt-quatre")),
            (JSONPath([.key("data"), .key("capacity")]), .integer(0)),
            (JSONPath([.key("data"), .key("mode")]), .string("lottery")),
            (JSONPath([.key("data"), .key("calendar"), .key("startsAt")]), .string("le 6 octobre")),
            (JSONPath([.key("data"), .key("calendar"), .key("meetings"), .index(0), .key("activityID")]), nil),
            (JSONPath([.key("data"), .key("course"), .key("version")]), .number(1.5)),
            (JSONPath([.key("type")]), .string("enrolment.session.scheduled.v2")),
            (JSONPath([.key("source")]), .string("/magistere/tracking")),
            (JSONPath([.key("data"), .key("trainerIDs")]), .string("u-6d0f2b4c8e1a3579")),
            (JSONPath([.key("data"), .key("title")]), .string("")),
        ]
        for (path, value) in broken {
            let instance = value.map { golden.setting($0, at: path) } ?? golden.removing(path)
            #expect(
                !validator.validate(instance).isEmpty, "the validator accepted \(path) = \(String(describing: value))")
        }
        #expect(validator.validate(golden).isEmpty)
    }

    /// The `enum` keywords of a schema, by the dotted path of the schema node that holds them.
    static func enumerations(in schema: JSONValue, at path: String) -> [(String, [String])] {
        switch schema {
        case .object(let members):
            var found: [(String, [String])] = members["enum"].map { [(path, $0.strings)] } ?? []
            for (key, child) in members where key != "enum" {
                found += enumerations(in: child, at: path.isEmpty ? key : "\(path).\(key)")
            }
            return found
        case .array(let items):
            return items.flatMap { enumerations(in: $0, at: path) }
        default:
            return []
        }
    }
}

/// Removes each field of a golden file in turn, at every depth, and compares what decoding makes of it
/// with what the schema declares.
struct FieldWalk {
    let contract: ContractCase
    let golden: JSONValue
    let validator: SchemaValidator
    /// Disagreements between decoding and the schema, one line each.
    var mismatches: [String] = []
    /// The keys the golden file carries, by object shape (array indices erased).
    var keysSeen: [String: Set<String>] = [:]
    /// The properties the schema documents, by object shape.
    var documented: [String: Set<String>] = [:]
    var removals = 0

    init(contract: ContractCase) throws {
        self.contract = contract
        self.golden = try JSONValue.parse(contract.golden())
        self.validator = SchemaValidator(root: try contract.schema())
    }

    mutating func run() throws {
        try walk(golden, schema: validator.root, at: JSONPath())
    }

    private mutating func walk(_ node: JSONValue, schema: JSONValue, at path: JSONPath) throws {
        let schema = validator.dereferenced(schema)
        switch node {
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            let required = Set(schema["required"]?.strings ?? [])
            keysSeen[path.shape, default: []].formUnion(members.keys)
            documented[path.shape] = Set(properties.keys)
            for key in members.keys.sorted() {
                let field = path.appending(key)
                let violation = contract.violation(try golden.removing(field).encoded())
                removals += 1
                switch (violation, required.contains(key)) {
                case (nil, true):
                    mismatches.append("\(field): the schema requires it, but decoding succeeds without it")
                case (let violation?, false):
                    mismatches.append(
                        "\(field): decoding fails without it (\(violation)), but the schema does not require it")
                case (let violation?, true) where violation.field != field.description:
                    mismatches.append("\(field): the violation names '\(violation.field)' instead")
                default:
                    break
                }
                if let child = properties[key], let value = members[key] {
                    try walk(value, schema: child, at: field)
                }
            }
        case .array(let items):
            guard let itemSchema = schema["items"] else { return }
            for (index, item) in items.enumerated() {
                try walk(item, schema: itemSchema, at: path.appending(index))
            }
        default:
            break
        }
    }
}
