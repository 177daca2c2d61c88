import Contracts
import Testing

@Suite("A course's duration class follows the offer's filters")
struct DurationBucketTests {
    @Test(
        "total minutes fall in the class the offer shows",
        arguments: [
            (0, DurationBucket.lessThan3h), (179, .lessThan3h), (180, .from3To6h), (360, .from3To6h),
            (361, .from6To9h), (540, .from6To9h), (541, .moreThan9h), (1_800, .moreThan9h),
        ])
    func bucket(minutes: Int, bucket: DurationBucket) {
        #expect(DurationBucket(totalMinutes: minutes) == bucket)
    }

    @Test("the example course's derived figures agree with its activities")
    func exampleFigures() {
        let course = CoursePublished.example.data
        let minutes = { (modality: Modality) in
            course.activities.filter { $0.modality == modality }.map(\.estimatedMinutes).reduce(0, +)
        }
        #expect(course.distanceMinutes == minutes(.distance))
        #expect(course.inPersonMinutes == minutes(.inPerson))
        #expect(course.durationBucket == DurationBucket(totalMinutes: course.distanceMinutes + course.inPersonMinutes))
    }
}
