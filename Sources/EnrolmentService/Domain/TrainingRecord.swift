import Contracts
import Foundation

/// A teacher's training record for one school year: what they completed, the hours credited, and,
/// for primary teachers, where they stand with the 18 h / 9 h digital obligation.
public struct TrainingRecord: Codable, Sendable, Equatable {
    public let teacherID: String
    public let schoolYear: SchoolYear
    /// The teacher's school level as the service knows it from their sessions; nil when unknown.
    public let schoolLevel: SchoolLevel?
    public let trainings: [CompletedTraining]
    public let distanceMinutes: Int
    public let inPersonMinutes: Int
    public let totalMinutes: Int
    /// Present for primary teachers only.
    public let obligation: PrimaryObligation?

    /// The record of `teacherID` for `schoolYear` from their completed trainings (other years are ignored).
    public init(teacherID: String, schoolYear: SchoolYear, schoolLevel: SchoolLevel?, trainings: [CompletedTraining]) {
        let ofTheYear = trainings.filter { $0.schoolYear == schoolYear }.sorted { $0.completedAt < $1.completedAt }
        self.teacherID = teacherID
        self.schoolYear = schoolYear
        self.schoolLevel = schoolLevel
        self.trainings = ofTheYear
        distanceMinutes = ofTheYear.reduce(0) { $0 + $1.distanceMinutes }
        inPersonMinutes = ofTheYear.reduce(0) { $0 + $1.inPersonMinutes }
        totalMinutes = distanceMinutes + inPersonMinutes
        obligation =
            schoolLevel == .primary
            ? PrimaryObligation(distanceMinutes: distanceMinutes, inPersonMinutes: inPersonMinutes) : nil
    }
}
