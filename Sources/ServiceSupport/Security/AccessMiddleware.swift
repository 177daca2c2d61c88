import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Authentication and route-level authorisation, before any handler runs.
///
/// It looks up the matched route's ``AccessRule`` (a route without one is refused: fail closed),
/// verifies the bearer token when the rule needs one, checks the roles, and puts the ``Caller`` in the
/// context for the handler's finer checks. Every 403, its own or a handler's, is logged with the
/// caller's subject and the route: cross-tenant attempts leave a trace.
public struct AccessMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let policy: AccessPolicy
    let authenticator: Authenticator

    public init(policy: AccessPolicy, authenticator: Authenticator) {
        self.policy = policy
        self.authenticator = authenticator
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // No route matched (an unknown path, or a method the path does not have): nothing can run, and the
        // router answers 404 itself.
        guard let route = context.endpointPath, route != "NotFound" else {
            return try await next(request, context)
        }
        guard let rule = policy.rule(request.method, route) else {
            context.logger.error(
                "route without an access rule refused", metadata: ["http.route": "\(request.method) \(route)"])
            throw Problem.forbidden("this route has no access rule; it is refused until it declares one")
        }
        var context = context
        if rule != .anyone {
            let caller = try await authenticate(request)
            if let role = caller.scopedRoleWithoutAcademy {
                // A careless identity provider must not hand out national reach by leaving the claim out.
                let problem = Problem.forbidden(
                    "the token grants the \(role.rawValue) role without an academy claim: it must name the academy "
                        + "(\"academy\": \"lyon\") or the national scope (\"academy\": \"national\")")
                log(problem, caller: caller, request: request, route: route, context: context)
                throw problem
            }
            if case .roles(let needed) = rule, needed.isDisjoint(with: caller.roles) {
                let problem = Problem.forbidden("this operation needs the \(rule)")
                log(problem, caller: caller, request: request, route: route, context: context)
                throw problem
            }
            context.caller = caller
            context.logger[metadataKey: "caller"] = "\(caller.subject)"
        }
        do {
            return try await next(request, context)
        } catch let error as any ProblemConvertible where error.problem.status == .forbidden {
            if let caller = context.caller {
                log(error.problem, caller: caller, request: request, route: route, context: context)
            }
            throw error
        }
    }

    private func authenticate(_ request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthenticated(nil)
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw Problem.unauthenticated("send 'Authorization: Bearer <token>'")
        }
        do {
            return try await authenticator.caller(fromToken: String(parts[1].trimmingCharacters(in: .whitespaces)))
        } catch {
            throw Problem.unauthenticated(error.description)
        }
    }

    private func log(_ problem: Problem, caller: Caller, request: Request, route: String, context: Context) {
        context.logger.notice(
            "access refused",
            metadata: [
                "caller": "\(caller.subject)", "caller.roles": "\(caller.roles.sorted().map(\.rawValue))",
                "caller.academy": "\(caller.scopeName)", "http.method": "\(request.method)",
                "http.route": "\(route)", "http.path": "\(request.uri.path)", "reason": "\(problem.detail ?? "")",
            ])
    }
}

extension Problem {
    /// 401 with the `WWW-Authenticate` challenge of RFC 6750; `reason` nil when no token was sent.
    public static func unauthenticated(_ reason: String?) -> Problem {
        var challenge = "Bearer realm=\"magistere\""
        if let reason {
            let quoted = reason.replacingOccurrences(of: "\"", with: "'")
            challenge += ", error=\"invalid_token\", error_description=\"\(quoted)\""
        }
        return Problem(
            .unauthorized, kind: "unauthenticated", title: "Authentication required",
            detail: reason ?? "send a bearer token: 'Authorization: Bearer <token>'",
            errors: [.init(field: "Authorization", problem: reason ?? "missing")],
            headers: [.wwwAuthenticate: challenge])
    }

    /// 403: the caller is known but may not do this (another academy, another session, another teacher).
    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, kind: "forbidden", title: "Not allowed", detail: detail)
    }
}

extension ServiceRequestContext {
    /// The verified caller; routes whose rule needs a token always have one.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw Problem.unauthenticated(nil) }
        return caller
    }
}
