// swift-tools-version: 6.1
import PackageDescription

// Swift 6 language mode (the default for tools 6.1): complete strict concurrency checking.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
// Per-packet and per-row hot paths (NetMonitor, CoverageModel): release builds skip the dynamic exclusivity checks
// on class properties (a fifth of `coverage report`'s time); debug builds, which the tests run, keep them.
let hotPath: [SwiftSetting] =
    strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Release executables are linked by lld with packed relative relocations (DT_RELR, glibc ≥ 2.36): the loader
// then reads a few KiB of relocations instead of megabytes of `.rela.dyn` at every start, which would be resident
// memory on a gateway; and without the dynamic symbol table of every module (the static Swift runtime's link
// arguments ask for `-export-dynamic`; nothing loads netmon's symbols at run time). See BENCHMARKS.md.
let compactRelocations: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic",
        ], .when(configuration: .release))
]

let package = Package(
    name: "netmon",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "netmon", targets: ["netmon"]),
        // The gateway build: only the subcommands a commune gateway runs (see GatewayCommands).
        .executable(name: "netmon-gateway", targets: ["netmon-gateway"]),
        .library(name: "NetMonitor", targets: ["NetMonitor"]),
        .library(name: "CoverageModel", targets: ["CoverageModel"]),
        .library(name: "SiteCatalog", targets: ["SiteCatalog"]),
        .library(name: "Alerting", targets: ["Alerting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libpcap as a system library (Debian: libpcap-dev).
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // C shims for socket control messages and Linux-only socket options (CMSG_*, SO_TIMESTAMPNS, ICMP_FILTER).
        .target(name: "CNetShims"),
        // IP addresses and networks: one value type each for every module (packets, probing, sites.yaml).
        .target(name: "NetworkAddress", swiftSettings: strict),
        // Wire types shared by the probe, the server and alerting (ProbeRound, batches).
        .target(name: "NetmonProtocol", swiftSettings: strict),
        // Pure link-quality judgements: the G.107 E-model call-quality score and loss judged with a Wilson interval.
        .target(name: "LinkQuality", swiftSettings: strict),
        // Prometheus metrics shared by the probe daemon, the server and alerting: the process's registry and `/metrics`.
        .target(
            name: "NetmonMetrics",
            dependencies: [.product(name: "Prometheus", package: "swift-prometheus")],
            swiftSettings: strict
        ),
        // Modem signal readings for the gateway as a fixed coverage point: parsers of mmcli, qmicli and Quectel
        // AT+QENG output, the tool runner and the AT serial port. Foundation and the report vocabulary only (gateway build).
        .target(name: "ModemSignal", dependencies: ["NetmonProtocol"], swiftSettings: strict),
        // Measurement engines: packets, probing, capture, statistics. No files, config or database.
        .target(name: "NetMonitor", dependencies: ["CPcap", "CNetShims", "NetworkAddress"], swiftSettings: hotPath),
        // Pure coverage logic: H3, geometry, signal reports, coverage, GeoJSON.
        .target(name: "CoverageModel", dependencies: ["NetmonProtocol"], swiftSettings: hotPath),
        // sites.yaml: schema, decoding, validation with line and column.
        .target(
            name: "SiteCatalog",
            dependencies: [
                "NetworkAddress", "NetmonProtocol", "ModemSignal", "LinkQuality",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Alert rules, state machine, routing/grouping, silences, receivers and the persistent outbox.
        .target(
            name: "Alerting",
            dependencies: [
                "NetmonProtocol", "SiteCatalog", "NetmonMetrics", "LinkQuality",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        // STAMP (RFC 8762, RFC 8972): test packets, the Session-Reflector, the Session-Sender and per-direction
        // metrics. A module of its own so that swift-crypto (HMAC-SHA-256 of the authenticated mode) stays out of
        // NetMonitor and the gateway build.
        .target(
            name: "STAMP",
            dependencies: [
                "NetMonitor", "NetworkAddress", "CNetShims", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Network namespaces, veth, nftables and the user-space delay responder.
        .target(
            name: "NetmonLab",
            dependencies: [
                "NetMonitor", "NetworkAddress", "CNetShims", "SiteCatalog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // The gateway daemon as Services: round scheduler, SQLite store + outbox, forwarder, /metrics.
        .target(
            name: "ProbeAgent",
            dependencies: [
                "NetMonitor", "NetworkAddress", "SiteCatalog", "NetmonProtocol", "NetmonMetrics", "CNetShims",
                "ModemSignal", "STAMP",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // Persistence: one ProvinceStore protocol over SQLite (GRDB) and PostgreSQL (postgres-nio).
        .target(
            name: "MeasurementStore",
            dependencies: [
                "NetmonProtocol", "CoverageModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The provincial server (Hummingbird 2): ingest, JSON/GeoJSON API, dashboard, /metrics.
        .target(
            name: "NetmonServer",
            dependencies: [
                "MeasurementStore", "NetmonProtocol", "CoverageModel", "NetmonMetrics", "LinkQuality",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Alerting inside `netmon serve`: the processor fed by ingest, its services, the alerts/silences API.
        .target(
            name: "ServerAlerting",
            dependencies: [
                "Alerting", "NetmonServer", "NetmonProtocol", "SiteCatalog", "NetmonMetrics", "MeasurementStore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The gateway's subcommands (check, ping, probe, capture, analyze, signal), shared by both executables.
        .target(
            name: "GatewayCommands",
            dependencies: [
                "NetMonitor", "NetworkAddress", "SiteCatalog", "NetmonProtocol", "ProbeAgent", "ModemSignal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The command-line tool: one file per subcommand.
        .executableTarget(
            name: "netmon",
            dependencies: [
                "GatewayCommands",
                "NetMonitor", "NetworkAddress", "CoverageModel", "SiteCatalog", "NetmonLab", "NetmonProtocol",
                "ProbeAgent", "Alerting", "MeasurementStore", "NetmonServer", "ServerAlerting", "NetmonMetrics",
                "STAMP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `netmon coverage upload`'s client.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict,
            linkerSettings: compactRelocations
        ),
        // The gateway build of the command-line tool: `netmon-gateway`, the gateway subcommands only.
        .executableTarget(
            name: "netmon-gateway",
            dependencies: [
                "GatewayCommands", "NetmonProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict,
            linkerSettings: compactRelocations
        ),
        // Helpers shared by the test suites (namespace fixture, capture writer, server starters).
        .target(name: "TestSupport", dependencies: ["CNetShims"], path: "Tests/TestSupport", swiftSettings: strict),
        // NetmonLab for its seeded SplitMix64 only.
        .testTarget(name: "LinkQualityTests", dependencies: ["LinkQuality"], swiftSettings: strict),
        .testTarget(
            name: "NetworkAddressTests", dependencies: ["NetworkAddress", "NetmonLab"], swiftSettings: strict),
        .testTarget(
            name: "NetMonitorTests", dependencies: ["NetMonitor", "NetworkAddress", "NetmonLab", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "STAMPTests", dependencies: ["STAMP", "NetMonitor", "NetworkAddress", "NetmonLab", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "GatewayCommandsTests", dependencies: ["GatewayCommands", "NetmonProtocol"], swiftSettings: strict),
        .testTarget(
            name: "ModemSignalTests",
            dependencies: ["ModemSignal", "NetmonProtocol", "CoverageModel", "NetmonLab", "TestSupport"],
            exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "CoverageModelTests", dependencies: ["CoverageModel", "NetmonProtocol", "TestSupport", "NetmonLab"],
            swiftSettings: strict),
        .testTarget(
            name: "SiteCatalogTests",
            dependencies: ["SiteCatalog", "NetworkAddress", "ModemSignal", "TestSupport", "LinkQuality", "NetmonLab"],
            swiftSettings: strict),
        .testTarget(
            name: "ProbeAgentTests",
            dependencies: [
                "ProbeAgent", "NetworkAddress", "TestSupport", "NetmonServer", "MeasurementStore", "NetmonLab",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NetmonLabTests", dependencies: ["NetmonLab", "NetworkAddress", "SiteCatalog", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "AlertingTests",
            dependencies: [
                "Alerting", "NetmonProtocol", "TestSupport", "ServerAlerting", "NetmonServer", "MeasurementStore",
                "SiteCatalog", "NetmonLab", "LinkQuality", "NetMonitor", "NetworkAddress",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MeasurementStoreTests",
            dependencies: [
                "MeasurementStore", "CoverageModel", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NetmonServerTests",
            dependencies: [
                "NetmonServer", "MeasurementStore", "CoverageModel", "NetmonProtocol", "NetmonLab", "TestSupport",
                "LinkQuality", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
