import Contracts
import Foundation
import Messaging
import Testing

/// A broker URL may name the nodes of a cluster; connections take the first that answers.
@Suite("Broker URLs naming several nodes")
struct BrokerURLTests {
    @Test("hosts of a cluster are read in order, each with its port or the scheme's default; the rest is shared")
    func nodes() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://svc:s%40cret@rabbit-1:5673,rabbit-2,10.0.0.3:5674/campus")
        #expect(endpoint.nodes.map(\.host) == ["rabbit-1", "rabbit-2", "10.0.0.3"])
        #expect(endpoint.nodes.map(\.port) == [5673, 5672, 5674])
        #expect(endpoint.user == "svc")
        #expect(endpoint.password == "s@cret")
        #expect(endpoint.vhost == "campus")
        #expect(endpoint.description == "amqp://svc@rabbit-1:5673,rabbit-2:5672,10.0.0.3:5674/campus")
        #expect(!endpoint.description.contains("cret"))

        let tls = try AMQPEndpoint(url: "amqps://svc:p@a,b:6000/")
        #expect(tls.nodes.map(\.port) == [5671, 6000])
        #expect(tls.vhost == "/")

        let one = try AMQPEndpoint(url: "amqp://guest:guest@127.0.0.1:5701/")
        #expect(one.nodes == [.init(host: "127.0.0.1", port: 5701)])
        #expect(one.host == "127.0.0.1" && one.port == 5701)
    }

    @Test(
        "a node list that cannot be read is refused, naming what is wrong",
        arguments: [
            "amqp://svc:p@rabbit-1,/", "amqp://svc:p@,rabbit-2/", "amqp://svc:p@rabbit-1,other:p@rabbit-2/",
            "amqp://svc:p@rabbit-1,rabbit-2:port/", "http://svc:p@rabbit-1,rabbit-2/",
        ])
    func refused(url: String) {
        #expect(throws: TransportError.self) { try AMQPEndpoint(url: url) }
    }

    @Test("the guest account is refused when any node is remote, not only the first")
    func guestOnEveryNode() throws {
        #expect(!(try AMQPEndpoint(url: "amqp://guest:guest@127.0.0.1:5701,localhost:5702/").usesGuestAccountRemotely))
        #expect(try AMQPEndpoint(url: "amqp://guest:guest@127.0.0.1:5701,rabbit-2:5672/").usesGuestAccountRemotely)
    }
}

/// Failover between nodes on real brokers: the test node and the fault node stand for two nodes of a cluster (each
/// holds its own queues; what moves is the service's connection).
@Suite("Connections moving between broker nodes (AMQP)")
struct BrokerNodeFailoverTests {
    @Test("a first node that does not answer is passed over: publishing and consuming go through the next one")
    func firstNodeDown() async throws {
        let live = try TestEnvironment.requireAMQP()
        // Port 1 on loopback: nothing listens there (connection refused at once)
        var endpoint = live
        endpoint.nodes = [.init(host: "127.0.0.1", port: 1)] + live.nodes
        let fixture = try TransportFixture(.amqp, endpoint: endpoint)
        let subscription = Subscription(queue: fixture.queue, bindings: [ThingHappened.eventType.rawValue])
        try await fixture.transport.declare(subscription)
        let sent = try (0..<20).map { try TransportFixture.message(ThingHappened(thingID: "n", number: $0)) }
        try await fixture.transport.publish(sent)

        let seen = Recorder<String>()
        try await whileConsuming(
            fixture.transport, subscription,
            {
                seen.append($0.message.id)
                return .ack
            }
        ) {
            try await expectEventually { seen.count == sent.count }
            #expect(fixture.transport.isAttached(toQueue: fixture.queue))
        }
        #expect(seen.all == sent.map(\.id))
    }
}
