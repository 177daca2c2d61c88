/// An error a service's domain or store throws that has one meaning for clients: its problem.
///
/// Each service makes its own errors conform (in its `HTTP/` folder, e.g. `CatalogProblems.swift`); the one
/// ``ProblemMiddleware`` renders them, and the ``AccessMiddleware`` logs those that are 403s. Handlers never
/// catch and convert errors themselves.
public protocol ProblemConvertible: Error {
    /// What the client is told.
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}
