// A consumer process for the messaging fault tests: it is killed with SIGKILL mid-stream and
// started again, and its SQLite store must show every event's effect exactly once.
//
//   messaging-probe <amqp-url> <exchange> <queue> <store.sqlite>
import Contracts
import Foundation
import GRDB
import Logging
import Messaging

struct ProbeEvent: DomainEvent {
    static let eventType: EventType = "catalog.thing.happened.v1"
    static let producer = ServiceName.catalog
    var thingID: String
    var number: Int
    var subject: String { thingID }
}

let arguments = CommandLine.arguments
guard arguments.count == 5 else {
    FileHandle.standardError.write(Data("usage: messaging-probe <amqp-url> <exchange> <queue> <store.sqlite>\n".utf8))
    exit(64)
}
let store = try DatabasePool(path: arguments[4])
var migrator = DatabaseMigrator()
MessagingMigrations.register(in: &migrator)
migrator.registerMigration("effects") { db in
    try db.execute(sql: "CREATE TABLE effect (message_id TEXT PRIMARY KEY, number INTEGER NOT NULL)")
}
try migrator.migrate(store)

let transport = AMQPTransport(
    endpoint: try AMQPEndpoint(url: arguments[1]), topology: AMQPTopology(exchange: arguments[2]),
    logger: Logger(label: "probe"))
var routes = EventRoutes()
routes.on(ProbeEvent.self) { envelope, delivery in
    try await store.write { db in
        guard try Inbox.claim(delivery.message.id, consumer: "probe", in: db) else { return }
        try db.execute(
            sql: "INSERT INTO effect (message_id, number) VALUES (?, ?)",
            arguments: [delivery.message.id, envelope.data.number])
    }
}
let consumer = EventConsumer(
    transport: transport, queue: arguments[3], routes: routes, prefetch: 32, logger: Logger(label: "probe"))
print("consuming", arguments[3])
try await consumer.run()
