import NIOCore
import NIOPosix

/// Runs connection scripts against one loopback service, each script on a keep-alive connection of its
/// own, all at once, and returns what each connection recorded.
///
/// A connection the server closes is opened again and its script goes on with the next request (the
/// request in flight counts as unanswered, status 0); after five failures in a row without progress the
/// rest of the script is recorded as unanswered.
public struct HTTPLoad: Sendable {
    public let target: LoopbackTarget
    let group: any EventLoopGroup

    public init(target: LoopbackTarget, group: any EventLoopGroup) {
        self.target = target
        self.group = group
    }

    /// Runs every script to its end. `origin` is the instant paced scripts count their intervals from.
    public func run(_ scripts: [ConnectionScript], origin: UInt64? = nil) async -> [ConnectionRecord] {
        let origin = origin ?? NIODeadline.now().uptimeNanoseconds
        return await withTaskGroup(of: (Int, ConnectionRecord).self) { tasks in
            for (position, script) in scripts.enumerated() {
                tasks.addTask { (position, await self.drive(script, origin: origin)) }
            }
            var records = Array(repeating: ConnectionRecord(), count: scripts.count)
            for await (position, record) in tasks { records[position] = record }
            return records
        }
    }

    /// Sends `requests` over `connections` connections, request `i` on connection `i % connections`, and
    /// returns each request's status and body in the order given (the preparation's calls).
    public func call(_ requests: [PreparedRequest], connections: Int = 1) async -> [(status: UInt16, body: [UInt8])] {
        await answered(requests, connections: connections).answers
    }

    private func drive(_ script: ConnectionScript, origin: UInt64) async -> ConnectionRecord {
        var record = ConnectionRecord()
        record.reserve(script.cycleUntil == nil ? script.requests.count : 1024)
        var next = 0
        var failures = 0
        while true {
            let loop = group.next()
            let end = loop.makePromise(of: ConnectionEnd.self)
            let (startRecord, startNext) = (record, next)
            do {
                _ = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(5))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                ScriptedConnection(
                                    script: script, record: startRecord, next: startNext, origin: origin, end: end))
                        }
                    }
                    .connect(host: (script.target ?? target).host, port: (script.target ?? target).port).get()
            } catch {
                end.fail(error)
                failures += 1
                if failures >= 5 { return Self.givingUp(record, script: script, next: next) }
                try? await Task.sleep(for: .milliseconds(100 * failures))
                continue
            }
            let outcome: ConnectionEnd
            do { outcome = try await end.futureResult.get() } catch { return record }
            switch outcome {
            case .finished(let finished):
                return finished
            case .lost(let lost, let lostNext):
                failures = lostNext > next ? 0 : failures + 1
                record = lost
                next = lostNext
                if failures >= 5 { return Self.givingUp(record, script: script, next: next) }
            }
        }
    }

    /// Records every request not yet sent as unanswered.
    private static func givingUp(_ record: ConnectionRecord, script: ConnectionScript, next: Int) -> ConnectionRecord {
        var record = record
        guard script.cycleUntil == nil else { return record }
        let now = NIODeadline.now().uptimeNanoseconds
        for index in next..<script.requests.count {
            record.request.append(Int32(index))
            record.sentAt.append(now)
            record.answeredAt.append(now)
            record.status.append(0)
            if script.keepBodies { record.bodies.append([]) }
        }
        return record
    }
}

extension HTTPLoad {
    /// Sends `requests` once each over up to `connections` connections, keeping every answer: the phase's report,
    /// and each request's status and body at the request's position.
    func answeredPhase(
        _ name: String, _ requests: [PreparedRequest], connections: Int
    ) async -> (PhaseReport, [(status: UInt16, body: [UInt8])]) {
        let (scripts, records, answers) = await answered(requests, connections: connections)
        return (PhaseReport(name: name, scripts: scripts, records: records), answers)
    }

    /// Sends `requests` once each, request `i` on connection `i % connections`, keeping every answer at its
    /// request's position.
    private func answered(
        _ requests: [PreparedRequest], connections: Int
    ) async -> (
        scripts: [ConnectionScript], records: [ConnectionRecord], answers: [(status: UInt16, body: [UInt8])]
    ) {
        let count = max(1, min(connections, requests.count))
        var scripts = Array(repeating: ConnectionScript(requests: [], keepBodies: true), count: count)
        for (index, request) in requests.enumerated() { scripts[index % count].requests.append(request) }
        let records = await run(scripts)
        var answers = Array(repeating: (status: UInt16(0), body: [UInt8]()), count: requests.count)
        for (connection, record) in records.enumerated() {
            for position in record.request.indices {
                answers[Int(record.request[position]) * count + connection] = (
                    record.status[position], record.bodies[position]
                )
            }
        }
        return (scripts, records, answers)
    }
}
