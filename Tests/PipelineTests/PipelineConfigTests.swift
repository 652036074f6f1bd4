import Download
import Foundation
import Imaging
import Pipeline
import Testing
import TestSupport

@Suite struct PipelineConfigTests {
    func load(_ text: String, overrides: [String] = []) throws -> PipelineConfig {
        let directory = try TemporaryDirectory("config")
        let path = directory.file("p.toml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try PipelineConfig.load(path: path, overrides: overrides)
    }

    static let minimal = """
    [variables]
    data = "/d"
    [pipeline]
    output = "/o"
    [inputs]
    train = "${data}/train.h5"
    vectors = "${data}/v.txt"
    """

    @Test func shippedPipelinesLoad() throws {
        let demo = try PipelineConfig.load(path: repositoryRoot.appendingPathComponent("Pipelines/demo.toml").path)
        #expect(demo.demo?.images == 10_000 && demo.demo?.serve == true)
        #expect(demo.trainFile == "work/demo-data/eee443_project_dataset_train.h5")
        let real = try PipelineConfig.load(path: repositoryRoot.appendingPathComponent("Pipelines/eee443-64.toml").path,
                                           overrides: ["eee443=/data/x", "glove=/g/glove.6B.50d.txt"])
        #expect(real.testFile == "/data/x/eee443_project_dataset_test.h5")
        #expect(real.vectorsFile == "/g/glove.6B.50d.txt")
        #expect(real.demo == nil)
        #expect(real.download.perHostConnections == 16)
    }

    @Test func variablesAndOverrides() throws {
        let config = try load(Self.minimal, overrides: ["data=/elsewhere", "download.concurrency=8", "image.mode=border"])
        #expect(config.trainFile == "/elsewhere/train.h5")
        #expect(config.download.concurrency == 8)
        #expect(config.image.mode.rawValue == "border")
        #expect(config.testFile == nil)
    }

    @Test(arguments: [
        ("[pipeline]\noutput = 3\n[inputs]\ntrain=\"a\"\nvectors=\"v\"", "key 'pipeline.output': expected a string, found integer"),
        ("[inputs]\ntrain=\"a\"\nvectors=\"v\"", "key 'pipeline.output': missing"),
        ("[pipeline]\noutput=\"o\"\n[inputs]\ntrain=\"a\"\nvectors=\"v\"\n[download]\nconcurency = 3", "key 'download.concurency': unknown key"),
        ("[pipeline]\noutput=\"o\"\n[inputs]\ntrain=\"a\"\nvectors=\"v\"\n[download]\nconcurrency = 0", "key 'download.concurrency': 0 is outside 1...1024"),
        ("[pipeline]\noutput=\"o\"\n[inputs]\ntrain=\"${nowhere_set_xyz}/a\"\nvectors=\"v\"", "key 'inputs.train': ${nowhere_set_xyz} is not set"),
        ("[pipeline]\noutput=\"o\"\n[inputs]\nvectors=\"v\"", "key 'inputs.train': expected at least one of inputs.train and inputs.test"),
        ("[pipeline]\noutput=\"o\"\n[inputs]\ntrain=\"a\"\nvectors=\"v\"\n[image]\nmode=\"squash\"", "key 'image.mode': 'squash' is not one of"),
        ("[pipeline\noutput=\"o\"", "not valid TOML at line 1"),
        ("[shard]\nx=1", "key 'shard': unknown section"),
    ])
    func errorsNameTheFileAndTheKey(text: String, message: String) throws {
        #expect { try load(text) } throws: { error in
            let line = "\(error)"
            return line.contains("p.toml: ") && line.contains(message) && !line.contains("\n")
        }
    }
}
