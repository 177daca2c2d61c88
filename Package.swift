// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let serviceDependencies: [Target.Dependency] = [
    "ServiceSupport", "Messaging", "Contracts",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "GRDB", package: "GRDB.swift"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "Metrics", package: "swift-metrics"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

let serviceTestDependencies: [Target.Dependency] = [
    "ServiceSupport", "Messaging", "Contracts", "TestSupport",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HummingbirdTesting", package: "hummingbird"),
    .product(name: "GRDB", package: "GRDB.swift"),
    .product(name: "Logging", package: "swift-log"),
]

let package = Package(
    name: "magistere",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "magistere", targets: ["Magistere"]),
        .library(name: "Contracts", targets: ["Contracts"]),
        .library(name: "Messaging", targets: ["Messaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .target(
            name: "Contracts",
            resources: [.copy("Schemas")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "Contracts", "CRabbitMQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceSupport",
            dependencies: [
                "Contracts", "Messaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each service's OpenAPI document is a data file of its module (OpenAPI/openapi.json), served as it is.
        .target(
            name: "CatalogService", dependencies: serviceDependencies, resources: [.copy("Seed"), .copy("OpenAPI")],
            swiftSettings: swiftSettings),
        .target(
            name: "EnrolmentService", dependencies: serviceDependencies, resources: [.copy("OpenAPI")],
            swiftSettings: swiftSettings),
        .target(
            name: "TrackingService", dependencies: serviceDependencies, resources: [.copy("OpenAPI")],
            swiftSettings: swiftSettings),
        // `magistere bench`: drives a running deployment over HTTP as a campaign does (issue 13).
        .target(
            name: "LoadGenerator",
            dependencies: [
                "Messaging", "Contracts", "ServiceSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `magistere web`: the pages, a backend-for-frontend over the services' public HTTP APIs (issue 15).
        .target(
            name: "WebFront",
            dependencies: [
                "ServiceSupport", "Contracts", "Messaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Static")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Magistere",
            dependencies: [
                "CatalogService", "EnrolmentService", "TrackingService", "ServiceSupport", "Messaging", "Contracts",
                "LoadGenerator", "WebFront",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MessagingProbe",
            dependencies: ["Messaging", "Contracts", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Helpers every test target shares (test targets cannot import each other).
        .target(
            name: "TestSupport",
            dependencies: [
                "Contracts", "Messaging", "ServiceSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "ContractsTests", dependencies: ["Contracts"], resources: [.copy("Golden")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "Contracts", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "ServiceSupportTests",
            dependencies: serviceTestDependencies + [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // What holds across the three services: every route has an access rule.
        .testTarget(
            name: "PlatformTests",
            dependencies: ["CatalogService", "EnrolmentService", "TrackingService"] + serviceTestDependencies,
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WebFrontTests",
            dependencies: [
                "WebFront", "ServiceSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "LoadGeneratorTests",
            dependencies: ["LoadGenerator", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CatalogServiceTests", dependencies: ["CatalogService"] + serviceTestDependencies,
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EnrolmentServiceTests", dependencies: ["EnrolmentService"] + serviceTestDependencies,
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TrackingServiceTests", dependencies: ["TrackingService"] + serviceTestDependencies,
            swiftSettings: swiftSettings),
    ]
)
