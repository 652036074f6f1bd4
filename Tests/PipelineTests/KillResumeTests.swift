import DemoData
import DemoHost
import EEE443
import Foundation
import Ledger
import Testing
import TestSupport

@Suite(.serialized) struct KillResumeTests {
    /// `kill -9` the real CLI at random moments, at least ten times, then let it finish: the shards
    /// hold exactly the image ids and pixels of an uninterrupted run, and no URL that the ledger
    /// had recorded as finished before a kill was ever requested again.
    @Test func killedRunsResumeToTheSameShards() async throws {
        let fixture = try PrepareFixture(images: 600, testImages: 60, seed: 23)

        // The uninterrupted reference, against its own host.
        let referenceHost = try await DemoHost.start(data: fixture.data, port: 0)
        let reference = try runT2I(["prepare", "--pipeline", try fixture.pipeline(output: "reference", port: referenceHost.port)])
        try await referenceHost.stop()
        #expect(reference.status == 0, "\(reference.stderr)")

        let host = try await DemoHost.start(data: fixture.data, port: 0)
        let pipeline = try fixture.pipeline(output: "killed", port: host.port)
        let ledgerPath = fixture.directory.file("killed/ledger.sqlite")
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        var finishedBeforeKill: [String: Int] = [:]  // path -> requests seen when the ledger said done
        var attempts = 0
        while kills < 10 && attempts < 40 {
            attempts += 1
            let process = Process()
            process.executableURL = URL(fileURLWithPath: t2iExecutable)
            process.arguments = ["prepare", "--pipeline", pipeline]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...1200, using: &generator)))
            guard process.isRunning else {
                process.waitUntilExit()
                continue
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
            // What the ledger holds as finished now must never be fetched again.
            guard FileManager.default.fileExists(atPath: ledgerPath) else { continue }
            let stats = host.stats()
            let states = try Ledger(path: ledgerPath).imageStates()
            for image in fixture.dataset.images {
                let key = Ledger.key(split: image.split.rawValue, row: image.row)
                if let state = states[key], state.state != "pending", finishedBeforeKill[image.path] == nil {
                    finishedBeforeKill[image.path] = stats.requests[image.path] ?? 0
                }
            }
        }
        #expect(kills >= 10, "the run finished too quickly to be killed ten times (\(kills))")
        let final = try runT2I(["prepare", "--pipeline", pipeline])
        #expect(final.status == 0, "\(final.stderr)")
        let stats = host.stats()
        try await host.stop()

        for split in ["train", "test"] {
            let expected = try PrepareFixture.shardContents(fixture.directory.file("reference/shards/\(split)"))
            let got = try PrepareFixture.shardContents(fixture.directory.file("killed/shards/\(split)"))
            #expect(Set(got.keys) == Set(expected.keys), "\(split): image ids differ")
            #expect(got == expected, "\(split): pixels differ")
        }
        var refetched: [String] = []
        for (path, requests) in finishedBeforeKill where (stats.requests[path] ?? 0) != requests {
            refetched.append(path)
        }
        #expect(refetched.isEmpty, "finished before a kill, yet requested again: \(refetched)")
        #expect(!finishedBeforeKill.isEmpty)
    }

    /// SIGTERM stops cleanly: the ledger is committed, the exit says how to resume, and the
    /// resumed run completes.
    @Test func sigtermStopsCleanlyAndSaysHowToResume() async throws {
        let fixture = try PrepareFixture(images: 300, testImages: 20, seed: 29)
        let host = try await DemoHost.start(data: fixture.data, port: 0)
        let pipeline = try fixture.pipeline(output: "out", port: host.port)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: t2iExecutable)
        process.arguments = ["prepare", "--pipeline", pipeline]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(900))
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(text.contains("interrupted: the ledger is committed; resume with: t2i prepare --pipeline \(pipeline)"))
        let resumed = try runT2I(["prepare", "--pipeline", pipeline])
        try await host.stop()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Ledger(path: fixture.directory.file("out/ledger.sqlite")).pendingDownloads().isEmpty)
    }
}
