import ArgumentParser
import Foundation
import NetmonProtocol
import ProbeAgent

extension Gateway {
    /// `netmon outbox`: what the gateway still has to send, and the rounds the server refused (printed by the
    /// command itself; `requeue` is its one subcommand).
    public struct Outbox: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "Show the gateway's unsent rounds and the rounds the server refused; offer refused ones again.",
            discussion: """
                A round the server refuses for good (a target its sites.yaml does not list, a clock before 2000) \
                is kept aside in the gateway's store with the server's reason, so it neither blocks the outbox \
                nor is lost. Once the cause is mended on the server, `netmon outbox requeue` puts such rounds \
                back in the outbox as they were sent, and the running daemon forwards them with the others.
                The store is read beside a running daemon (SQLite WAL). Default store: \
                $STATE_DIRECTORY/netmon-probe.sqlite, else /var/lib/netmon-probe/netmon-probe.sqlite when it \
                exists, else ./netmon-probe.sqlite.
                """,
            subcommands: [OutboxRequeue.self]
        )

        @OptionGroup var store: OutboxStoreOptions

        @Option(name: .long, help: "Refused rounds to list, newest first.")
        var limit = 20

        @Flag(name: .long, help: "Print JSON instead of a table.")
        var json = false

        public func run() async throws {
            guard self.limit >= 0 else { throw ValidationError("--limit must be 0 or more, not \(self.limit).") }
            let store = try self.store.open()
            let pending = try await store.pendingCount()
            let dropped = try await store.droppedCount()
            let rejectedTotal = try await store.rejectedCount()
            let requeued = try await store.counter("rounds_requeued")
            let rejected = try await store.rejectedRounds(limit: self.limit)
            if self.json {
                let document = OutboxDocument(
                    database: self.store.path, outboxPending: pending, outboxDropped: dropped,
                    rejectedKept: rejectedTotal, roundsRequeued: requeued,
                    rejected: rejected.map {
                        .init(
                            probeID: $0.probeID, sequence: $0.sequence, reason: $0.reason,
                            rejectedAt: RFC3339.format($0.rejectedAt))
                    })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(document), as: UTF8.self))
                return
            }
            var text = "store \(self.store.path)\n"
            text += "outbox: \(pending) rounds waiting to be sent; \(dropped) dropped unsent from a full outbox\n"
            text += "refused by the server and kept aside: \(rejectedTotal); put back so far: \(requeued)\n"
            if !rejected.isEmpty {
                let shown = rejected.count < rejectedTotal ? " (newest \(rejected.count))" : ""
                text += "\nrefused rounds\(shown):\n"
                for round in rejected {
                    text +=
                        "  \(round.probeID) #\(round.sequence)  \(RFC3339.format(round.rejectedAt))  \(round.reason)\n"
                }
                text += "\nOnce the cause is mended on the server: netmon outbox requeue --all (or the sequences).\n"
            }
            print(text, terminator: "")
        }
    }

    /// The `--json` document of `netmon outbox`.
    struct OutboxDocument: Encodable {
        struct Refused: Encodable {
            var probeID: String
            var sequence: Int64
            var reason: String
            var rejectedAt: String

            enum CodingKeys: String, CodingKey {
                case sequence, reason
                case probeID = "probe_id"
                case rejectedAt = "rejected_at"
            }
        }

        var database: String
        var outboxPending: Int
        var outboxDropped: Int
        var rejectedKept: Int
        var roundsRequeued: Int
        var rejected: [Refused]

        enum CodingKeys: String, CodingKey {
            case database, rejected
            case outboxPending = "outbox_pending"
            case outboxDropped = "outbox_dropped"
            case rejectedKept = "rejected_kept"
            case roundsRequeued = "rounds_requeued"
        }
    }

    /// `netmon outbox requeue`.
    public struct OutboxRequeue: AsyncParsableCommand {
        public init() {}

        public static let configuration = CommandConfiguration(
            commandName: "requeue",
            abstract: "Put rounds the server refused back in the outbox, to be sent again as they were.")

        @OptionGroup var store: OutboxStoreOptions

        @Flag(name: .long, help: "Every refused round.")
        var all = false

        @Argument(help: "Sequence numbers of the refused rounds to put back.")
        var sequences: [Int64] = []

        public func validate() throws {
            if self.all == !self.sequences.isEmpty {
                throw ValidationError("Give either --all or the sequence numbers of the rounds to put back.")
            }
        }

        public func run() async throws {
            let store = try self.store.open()
            let moved = try await store.requeueRejected(sequences: self.all ? nil : self.sequences)
            let left = try await store.rejectedCount()
            print("put \(moved) refused rounds back in the outbox; \(left) still kept aside.")
            if moved > 0 { print("The running probe daemon sends them with its next batch.") }
            if !self.all && moved < self.sequences.count {
                print("\(self.sequences.count - moved) of the sequences given were not among the refused rounds.")
                throw ExitCode(1)
            }
        }
    }

    /// Where the gateway store is, for the outbox commands.
    public struct OutboxStoreOptions: ParsableArguments {
        public init() {}

        @Option(name: .long, help: "The probe daemon's SQLite database (see the discussion for the default).")
        var database: String?

        /// The store's path: the option, else the daemon's places.
        var path: String {
            if let database { return database }
            if let state = ProcessInfo.processInfo.environment["STATE_DIRECTORY"], !state.isEmpty {
                return (state.split(separator: ":").first.map(String.init) ?? state) + "/netmon-probe.sqlite"
            }
            let installed = "/var/lib/netmon-probe/netmon-probe.sqlite"
            return FileManager.default.fileExists(atPath: installed) ? installed : "netmon-probe.sqlite"
        }

        /// Opens the existing store; never creates one.
        func open() throws -> GatewayStore {
            let path = self.path
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("No gateway store at \(path); give the probe daemon's --database.")
            }
            return try GatewayStore(path: path)
        }
    }
}
