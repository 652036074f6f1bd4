import DemoData
import EEE443
import Foundation
import Ledger
import Testing
import TestSupport

@Suite(.serialized) struct PrepareCommandTests {
    /// Every fault of the demo host ends in the right ledger state and reason, the shards hold
    /// exactly the accepted images, a rerun does nothing, and `t2i status` agrees with the summary.
    @Test func everyFaultEndsInTheRightStateThroughTheCLI() throws {
        let fixture = try PrepareFixture(images: 220, testImages: 30)
        let pipeline = try fixture.pipeline(output: "out", port: nil)
        let first = try runT2I(["prepare", "--pipeline", pipeline])
        #expect(first.status == 0, "\(first.stderr)")
        let ledger = try Ledger(path: fixture.directory.file("out/ledger.sqlite"))
        let states = try ledger.imageStates()
        #expect(states.count == 250)
        var accepted: Set<UInt64> = []
        for image in fixture.dataset.images {
            let key = Ledger.key(split: image.split.rawValue, row: image.row)
            let state = try #require(states[key])
            let expected = PrepareFixture.expectedReason(image.fault)
            #expect(state.reason == expected, "image \(image.id) (\(image.fault)): \(state.state) \(state.reason ?? "-")")
            #expect(state.state == (expected == nil ? "done" : "failed"))
            if expected == nil, image.split == .train { accepted.insert(UInt64(image.row)) }
        }
        let shards = try PrepareFixture.shardContents(fixture.directory.file("out/shards/train"))
        #expect(Set(shards.keys) == accepted)

        // A finished run does nothing the second time: every stage is skipped.
        let second = try runT2I(["prepare", "--pipeline", pipeline])
        #expect(second.status == 0)
        #expect(second.stderr.components(separatedBy: "already done for this configuration").count - 1 == 4, "\(second.stderr)")

        // `t2i status` prints the same table as the end of the run.
        let status = try runT2I(["status", "--pipeline", pipeline])
        #expect(status.status == 0)
        #expect(first.stdout.hasPrefix(status.stdout.trimmingCharacters(in: .newlines)), "status:\n\(status.stdout)\nsummary:\n\(first.stdout)")
        #expect(status.stdout.contains("placeholder"))
        let verify = try runT2I(["verify", fixture.directory.file("out/shards/train")])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aStageNeedsTheOneBeforeIt() throws {
        let fixture = try PrepareFixture(images: 20, testImages: 5)
        let pipeline = try fixture.pipeline(output: "out", port: nil)
        let result = try runT2I(["prepare", "--pipeline", pipeline, "--stage", "encode"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("stage 'encode' needs stage 'download' done with this configuration first"))
        let captions = try runT2I(["prepare", "--pipeline", pipeline, "--stage", "captions"])
        #expect(captions.status == 0, "\(captions.stderr)")
        #expect(try Ledger(path: fixture.directory.file("out/ledger.sqlite")).pendingDownloads().count == 25)
    }
}
