import Foundation
import Ledger
import Testing
import TestSupport

@Suite struct LedgerTests {
    func filled(_ directory: TemporaryDirectory) throws -> Ledger {
        let ledger = try Ledger(path: directory.file("ledger.sqlite"))
        let tokens: [Int32] = (0..<3).flatMap { caption in [1, 4, Int32(10 + caption), 2] + [Int32](repeating: 0, count: 13) }
        try ledger.replaceSplit("train", urls: ["http://h/a.jpg", "http://h/b.jpg"], captionImageRows: [0, 0, 1], tokens: tokens, width: 17)
        try ledger.replaceSplit("test", urls: ["http://h/c.jpg"], captionImageRows: [0], tokens: Array(tokens[0..<17]), width: 17)
        return ledger
    }

    @Test func itemsMoveFromPendingToDoneOrFailedAndSurviveReopening() throws {
        let directory = try TemporaryDirectory()
        let ledger = try filled(directory)
        #expect(try ledger.pendingDownloads().map(\.url) == ["http://h/a.jpg", "http://h/b.jpg", "http://h/c.jpg"])
        let a = Ledger.key(split: "train", row: 0), b = Ledger.key(split: "train", row: 1), c = Ledger.key(split: "test", row: 0)
        try ledger.record([
            ImageOutcome(id: a, state: .done, reason: nil, transient: false, attempts: 1, httpStatus: 200, bytes: 100,
                         milliseconds: 3, width: 640, height: 480, scale: "1/8", pixels: [UInt8](repeating: 7, count: 12)),
            ImageOutcome(id: b, state: .failed, reason: "http_503", transient: true, attempts: 4, httpStatus: 503, bytes: 0, milliseconds: 2),
            ImageOutcome(id: c, state: .failed, reason: "http_404", transient: false, attempts: 1, httpStatus: 404, bytes: 0, milliseconds: 1),
        ])
        let reopened = try Ledger(path: directory.file("ledger.sqlite"))
        #expect(try reopened.pendingDownloads().isEmpty)
        #expect(try reopened.pendingDownloads(retryFailed: true).map(\.id) == [b], "only the transient failure is retried")
        let status = try reopened.status()
        let train = try #require(status.splits["train"])
        #expect(train.images == 2 && train.captions == 3 && train.pending == 0 && train.done == 1 && train.failed == 1)
        #expect(status.splits["test"]?.failed == 1)
        #expect(status.failures == ["http_503": 1, "http_404": 1])
        try reopened.resetDownloads()
        #expect(try reopened.pendingDownloads().count == 3)
    }

    @Test func stagesRememberTheirConfigurationHash() throws {
        let directory = try TemporaryDirectory()
        let ledger = try filled(directory)
        #expect(try ledger.stage("download") == nil)
        let run = try ledger.beginStage("download", configHash: "abc", config: "{}")
        let state = try #require(try ledger.stage("download"))
        #expect(state.configHash == "abc" && !state.done)
        try ledger.finishStage("download", run: run, outcome: "done", summary: "3 done")
        #expect(try ledger.stage("download")?.done == true)
        try ledger.invalidate(["download"])
        #expect(try ledger.stage("download")?.done == false)
        #expect(try ledger.runs().map(\.outcome) == ["done"])
    }

    @Test func aFileThatIsNotALedgerIsNamed() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("junk.sqlite")
        try Data("not a database at all, just some text that is long enough".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try Ledger(path: path) } throws: { "\($0)".hasPrefix("\(path): ledger:") }
    }
}
