import HTTPTypes

extension HTTPField.Name {
    /// `X-Consistent-Through`: on a read that depends on other services' events, the instant up to which their
    /// events are applied (enrolment's teacher record, tracking's trainer table).
    public static let consistentThrough = HTTPField.Name("X-Consistent-Through")!
}
