import GRDB
import ServiceSupport

/// Opens a tracking store file with the platform's settings and the tracking migrations.
enum ServiceStoreOpener {
    static func open(path: String) throws -> DatabasePool {
        try ServiceStore.open(path: path) { TrackingMigrations.register(in: &$0) }
    }
}
