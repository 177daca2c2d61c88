import Testing

@testable import EnrolmentService

@Suite("Reading a bulk designation file")
struct DesignationListTests {
    @Test("a header, then one teacher a line with an optional group; blank lines and CRLF are fine")
    func reads() throws {
        let list = try DesignationList.parse(
            "participantID,group\r\nt-1,Groupe A\r\n\r\nt-2,\r\n\"t-3\",\"Groupe \"\"B\"\"\"\r\n")
        #expect(list.entries.map(\.participantID) == ["t-1", "t-2", "t-3"])
        #expect(list.entries.map(\.group) == ["Groupe A", nil, "Groupe \"B\""])
        #expect(list.entries.map(\.line) == [2, 4, 5])
    }

    @Test("every bad line is reported with its number, field and problem")
    func reportsEveryLine() {
        let text = "participantID,group\nt-1,A\nmarie.dupont@ac-lyon.fr,A\n,B\nt-1,C\nt-9,A,extra\n"
        #expect {
            try DesignationList.parse(text)
        } throws: { error in
            let errors = (error as? DesignationFileRejected)?.errors ?? []
            return errors.map(\.line) == [3, 4, 5, 6]
                && errors.map(\.field) == ["participantID", "participantID", "participantID", "line"]
                && errors[2].problem.contains("line 2")
        }
    }

    @Test("thousands of bad lines are reported on the first hundred, then one error counting the rest")
    func boundedReport() {
        let text = "participantID\n" + String(repeating: "x@y\n", count: 1000)
        do {
            _ = try DesignationList.parse(text)
            Issue.record("a file of bad lines was accepted")
        } catch {
            #expect(error.count == 1000)
            #expect(error.errors.count == DesignationList.maximumReportedErrors + 1)
            #expect(error.errors.dropLast().map(\.line) == Array(2...101))
            #expect(
                error.errors.last
                    == .init(line: 102, field: "file", problem: "900 more error(s) from this line on, not listed"))
        }
    }

    @Test("a file without the expected header is rejected on line 1")
    func header() {
        #expect(
            throws: DesignationFileRejected([
                .init(line: 1, field: "header", problem: "expected participantID or participantID,group")
            ])
        ) {
            try DesignationList.parse("id;groupe\nt-1;A\n")
        }
    }
}
