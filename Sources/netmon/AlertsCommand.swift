import Alerting
import ArgumentParser
import Foundation
import MeasurementStore
import NetmonProtocol
import ServerAlerting
import SiteCatalog

extension Netmon {
    /// `netmon alerts`: list alerts, send test notifications, manage silences.
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alerts",
            abstract: "List, test and silence alerts.",
            subcommands: [List.self, Test.self, Silence.self]
        )
    }
}

/// Options shared by the alert commands that read the alert store.
struct AlertStoreOptions: ParsableArguments {
    @Option(name: .long, help: "The alert store (SQLite) the server or daemon writes.")
    var store: String = "netmon-alerts.sqlite"

    @Option(
        name: .long,
        help:
            "The server's postgres://user@host/db URL: read and write the alert state netmon serve keeps in PostgreSQL instead of --store."
    )
    var database: String?

    @Option(name: .long, help: "A file whose first line is the PostgreSQL password (for --database).")
    var databasePasswordFile: String?

    @Flag(name: .long, help: "Print JSON with stable field names instead of a table.")
    var json = false

    func open() async throws -> AlertStore {
        do {
            return try await AlertStore(path: self.store)
        } catch {
            throw ValidationError("\(error). Check --store.")
        }
    }

    /// Runs `body` on the store: the SQLite file, or with `--database` the PostgreSQL one (its connections running
    /// for the duration). Silences written here are not fenced: only the leader's evaluation commits are.
    func withStore<T: Sendable>(_ body: @Sendable (AlertStore) async throws -> T) async throws -> T {
        guard let database = self.database else { return try await body(try await self.open()) }
        let location: StoreLocation
        do {
            location = try StoreLocation(parsing: database, passwordFile: self.databasePasswordFile)
        } catch {
            throw ValidationError("\(error)")
        }
        guard case .postgres(let postgres) = location else {
            throw ValidationError("--database takes a postgres:// URL; a SQLite alert store is --store.")
        }
        let store = try PostgresProvinceStore(location: postgres, additionalMigrations: PostgresAlertStore.migrations)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(
                AlertStore(engine: PostgresAlertStore(store: store, lease: PostgresLeaderLease(store: store))))
        }
    }
}

extension Netmon.Alerts {
    /// `netmon alerts test`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test notification to a receiver from sites.yaml, now, and report the outcome.")

        @Option(name: .long, help: "The receiver's name in alerts.receivers.")
        var receiver: String

        @Option(name: .long, help: "The sites.yaml to read receivers from.")
        var config: String = "sites.yaml"

        func run() async throws {
            let configuration: AlertingConfiguration
            do {
                configuration = try AlertingConfiguration.load(sitesPath: self.config, onlyReceivers: [self.receiver])
            } catch {
                print("netmon: \(error)")
                throw ExitCode(2)
            }
            let now = Date()
            let notification = AlertNotification(
                id: AlertNotification.makeID(), receiver: self.receiver, groupKey: "{}:{alertname=\"NetmonTest\"}",
                groupLabels: ["alertname": "NetmonTest"],
                alerts: [
                    Alert(
                        labels: ["alertname": "NetmonTest", "severity": "info", "kind": "test"],
                        annotations: ["summary": "Test notification from netmon (thông báo thử nghiệm)"],
                        startsAt: now)
                ], createdAt: now)
            guard !configuration.receivers.isEmpty else {
                print("netmon: no receiver \(self.receiver) in \(self.config) (alerts.receivers)")
                throw ExitCode(2)
            }
            var failed = false
            let http = DeliveryHTTPClient()
            for target in configuration.targets(of: self.receiver) {
                do {
                    let sender = try configuration.receiver(named: target).makeSender(
                        externalURL: configuration.externalURL, http: http)
                    var copy = notification
                    copy.receiver = target
                    try await sender.send(copy, timeout: 10)
                    print("\(target): delivered (id \(copy.id))")
                } catch {
                    print("\(target): failed: \(error)")
                    failed = true
                }
            }
            try await http.shutdown()
            if failed { throw ExitCode(1) }
        }
    }

    /// `netmon alerts list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every alert with its state, labels and since when.")

        @OptionGroup var options: AlertStoreOptions

        @Option(name: .long, help: "Only alerts in this state: pending, firing or resolved (repeatable).")
        var state: [String] = []

        @Option(
            name: .long, help: "Only alerts whose labels match, e.g. commune=12345 or severity=~crit.* (repeatable).")
        var match: [String] = []

        func run() async throws {
            var states: Set<AlertRecord.State> = []
            for name in self.state {
                guard let state = AlertRecord.State(rawValue: name) else {
                    throw ValidationError("--state must be pending, firing or resolved, not \(name).")
                }
                states.insert(state)
            }
            let matchers = try self.match.map { text in
                do { return try LabelMatcher(parsing: text) } catch { throw ValidationError("\(error)") }
            }
            let now = Date()
            let query = AlertQuery(states: states, matchers: matchers)
            let records = try await self.options.withStore { try await $0.alerts(query, now: now) }
            if self.options.json {
                print(try AlertJSON.encode(records))
            } else {
                print(AlertTable.render(records, now: now), terminator: "")
            }
        }
    }

    /// `netmon alerts silence …`.
    struct Silence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and expire silences and maintenance windows.",
            subcommands: [Add.self, ListSilences.self, Expire.self]
        )

        /// `netmon alerts silence add`.
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Mute alerts matching labels for a time window.")

            @OptionGroup var options: AlertStoreOptions

            @Option(name: .long, help: "A label matcher, e.g. commune=12345 (repeatable; all must match).")
            var match: [String]

            @Option(name: .long, help: "When the silence starts (RFC 3339); default now.")
            var start: String?

            @Option(name: .long, help: "How long it lasts, e.g. 30m, 2h, 1d.")
            var duration: String = "2h"

            @Option(name: .long, help: "Who creates it.")
            var author: String = ProcessInfo.processInfo.environment["USER"] ?? "netmon"

            @Option(name: .long, help: "Why (shown in listings).")
            var comment: String = ""

            /// `--duration` in seconds (sites.yaml's duration form: `90s`, `2h`, `1h30m`), nil unless positive.
            var durationSeconds: Double? {
                DurationText.parse(self.duration).map(DurationText.seconds).flatMap { $0 > 0 ? $0 : nil }
            }

            func validate() throws {
                guard !self.match.isEmpty else { throw ValidationError("Give at least one --match name=value.") }
                guard self.durationSeconds != nil else {
                    throw ValidationError("--duration must look like 90s, 30m, 2h, 1h30m or 1d.")
                }
            }

            func run() async throws {
                let matchers = try self.match.map { text in
                    do { return try LabelMatcher(parsing: text) } catch { throw ValidationError("\(error)") }
                }
                let startsAt: Date
                if let start = self.start {
                    guard let parsed = RFC3339.parse(start) else {
                        throw ValidationError("--start must be an RFC 3339 time such as 2026-01-01T22:00:00+07:00.")
                    }
                    startsAt = parsed
                } else {
                    startsAt = Date()
                }
                let silence = Alerting.Silence(
                    matchers: matchers, startsAt: startsAt,
                    endsAt: startsAt.addingTimeInterval(self.durationSeconds ?? 0), createdBy: self.author,
                    comment: self.comment)
                try await self.options.withStore { try await $0.add(silence) }
                if self.options.json {
                    print(try AlertJSON.encode([silence]))
                } else {
                    print("silence \(silence.id) until \(RFC3339.format(silence.endsAt))")
                }
            }
        }

        /// `netmon alerts silence list`.
        struct ListSilences: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "Show silences.")

            @OptionGroup var options: AlertStoreOptions

            @Flag(name: .long, help: "Also show silences that ended or have not started.")
            var all = false

            func run() async throws {
                let active: Date? = self.all ? nil : Date()
                let silences = try await self.options.withStore { try await $0.silences(activeAt: active) }
                if self.options.json {
                    print(try AlertJSON.encode(silences))
                } else {
                    for silence in silences {
                        print(
                            "\(silence.id)  \(RFC3339.format(silence.startsAt)) – \(RFC3339.format(silence.endsAt))  "
                                + silence.matchers.map(\.description).joined(separator: ",")
                                + "  \(silence.createdBy)  \(silence.comment)")
                    }
                }
            }
        }

        /// `netmon alerts silence expire`.
        struct Expire: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "End a silence now.")

            @OptionGroup var options: AlertStoreOptions

            @Argument(help: "The silence id.")
            var id: String

            func run() async throws {
                let id = self.id
                guard try await self.options.withStore({ try await $0.expireSilence(id: id, at: Date()) }) else {
                    print("no active silence \(self.id)")
                    throw ExitCode(1)
                }
                print("silence \(self.id) expired")
            }
        }
    }
}
