import ArgumentParser

/// The `magistere` command: run the services and do operator tasks.
@main
struct Magistere: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "magistere",
        abstract: "M@gistère: tutored, hybrid continuing professional development for teachers.",
        subcommands: [
            UpCommand.self, CatalogCommand.self, EnrolmentCommand.self, TrackingCommand.self, TokenCommand.self,
            ReplaysCommand.self, ConsumersCommand.self,
            ConfigCommand.self, EventsCommand.self, BrokerCommand.self, DeadLettersCommand.self, MigrationsCommand.self,
            OutboxCommand.self, PartitionsCommand.self, DevCommand.self, LoadBenchCommand.self, WebCommand.self,
        ]
    )
}
