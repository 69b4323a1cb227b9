import Store
import Testing

@Suite struct SnapshotNameTests {
    @Test func namesThatCouldBePathsOrMarkupAreRefused() {
        for name in [
            "lambda-perf-2023", "mikhailio-2019-02-22", "paper-2018", "a", "v1.2_b", String(repeating: "x", count: 100),
        ] {
            #expect(SnapshotName.problem(name) == nil, "\(name)")
        }
        for name in [
            "", "..", ".", "../../victim", "x/../../escaped", "a/b", "-a", ".hidden", "a b", "a\nb", "é",
            "<img>", "a\u{1B}[31m", String(repeating: "x", count: 101),
        ] {
            #expect(SnapshotName.problem(name) != nil, "\(name.debugDescription)")
            #expect(throws: SnapshotNameError.self) { try SnapshotName.validated(name) }
        }
    }
}
