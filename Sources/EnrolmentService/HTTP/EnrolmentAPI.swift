import Foundation
import Hummingbird
import ServiceSupport

/// The enrolment service's HTTP API: every route, registered in one place.
enum EnrolmentAPI {
    static func register(
        on router: Router<ServiceRequestContext>, store: EnrolmentStore, now: @escaping @Sendable () -> Date = Date.init
    ) {
        let group = router.group().add(middleware: DomainErrorMiddleware())
        SessionRoutes(store: store).register(on: group)
        EnrolmentRoutes(store: store).register(on: group)
        TeacherRecordRoutes(store: store, now: now).register(on: group)
    }
}
