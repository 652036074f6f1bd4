import Foundation
import GAN
import TestSupport
import Testing
import Training

@Suite struct KillResumeCLITests {
    /// `t2i train` killed with SIGKILL mid-run and started again logs the same losses as a run
    /// that was never interrupted.
    @Test func killNineAndRestartLogsTheSameLosses() throws {
        let dir = try TemporaryDirectory("kill")
        var straight = smallTrainingConfiguration(output: dir.file("straight"), encoder: .gru, steps: 40)
        straight.checkpointEvery = 3
        try writeJSON(straight, to: dir.file("straight.json"))
        var killed = straight
        killed.output = dir.file("killed")
        try writeJSON(killed, to: dir.file("killed.json"))

        let full = try runT2I(["train", "--config", dir.file("straight.json")])
        #expect(full.status == 0, "\(full.stderr)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: t2iExecutable)
        process.arguments = ["train", "--config", dir.file("killed.json")]
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill once at least two checkpoints exist, i.e. mid-run.
        let csv = killed.output + "/losses.csv"
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? lossRows(csv).count) ?? 0) < 8 { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let loggedBeforeKill = try lossRows(csv).count
        #expect(loggedBeforeKill < 40, "the run finished before it could be killed")

        let resumed = try runT2I(["train", "--config", dir.file("killed.json")])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming at step"))
        #expect(try lossRows(csv) == lossRows(straight.output + "/losses.csv"))
    }
}
