import ArgumentParser

/// Prints the configuration reference: every key, its flag, its environment variable and default.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print every configuration key with its environment variable and default.")

    @Flag(help: "Only the environment variable names, one per line.") var names = false

    func run() {
        for setting in Settings.all {
            if names {
                print(setting.environment)
            } else {
                let shown = setting.defaultValue.isEmpty ? "(none)" : setting.defaultValue
                print("\(setting.environment)\t\(setting.flag)\tdefault: \(shown)\t\(setting.help)")
            }
        }
    }
}
