import Download
import Foundation
import Imaging
import TOMLKit

extension PipelineConfig {
    /// Reads a pipeline file, applying `overrides` ("section.key=value", or "name=value" for a
    /// `[variables]` entry) and expanding `${name}` in strings from `[variables]`.
    /// - Throws: `PipelineConfigError` naming the file, the key and what was expected.
    public static func load(path: String, overrides: [String] = []) throws -> PipelineConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PipelineConfigError(file: path, key: nil, message: "cannot read: \(error.localizedDescription)")
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw PipelineConfigError(file: path, key: nil, message: "not valid TOML at \(error.source.begin): \(error.description)")
        }
        return try _ConfigReader(file: path, root: table, overrides: overrides).read()
    }
}

/// Reads typed values out of a TOML table, remembering which keys were used so that unknown
/// keys (typos) are reported instead of silently ignored.
struct _ConfigReader {
    let file: String
    let root: TOMLTable
    var variables: [String: String] = [:]
    var overrides: [String: String] = [:]

    init(file: String, root: TOMLTable, overrides: [String]) throws {
        self.file = file
        self.root = root
        for override in overrides {
            guard let equals = override.firstIndex(of: "=") else {
                throw PipelineConfigError(file: file, key: override, message: "an override is KEY=VALUE")
            }
            self.overrides[String(override[..<equals])] = String(override[override.index(after: equals)...])
        }
        if let table = root["variables"]?.table {
            for key in table.keys {
                guard let value = table[key]?.string else {
                    throw PipelineConfigError(file: file, key: "variables.\(key)", message: "expected a string")
                }
                variables[key] = value
            }
        }
        for (key, value) in self.overrides where !key.contains(".") { variables[key] = value }
    }

    static let known: [String: Set<String>] = [
        "variables": [],
        "pipeline": ["name", "output", "workers", "keep_originals"],
        "inputs": ["train", "test", "vectors"],
        "demo": ["data", "images", "test_images", "seed", "long_side", "serve"],
        "download": ["concurrency", "per_host_connections", "connect_timeout", "total_timeout", "low_speed_bytes",
                     "low_speed_time", "max_body_bytes", "max_redirects", "max_attempts", "backoff_base", "backoff_max",
                     "retry_after_max", "outage_threshold", "user_agent", "connect_to"],
        "image": ["size", "mode", "min_side", "max_pixels", "gray_tolerance", "placeholders"],
        "encode": ["encoder"],
        "shards": ["images_per_shard", "max_captions"],
    ]

    func read() throws -> PipelineConfig {
        for section in root.keys {
            guard let keys = Self.known[section] else {
                throw PipelineConfigError(file: file, key: section, message: "unknown section (expected one of \(Self.known.keys.sorted().joined(separator: ", ")))")
            }
            guard let table = root[section]?.table else {
                throw PipelineConfigError(file: file, key: section, message: "expected a table [\(section)]")
            }
            if section != "variables", let unknown = table.keys.first(where: { !keys.contains($0) }) {
                throw PipelineConfigError(file: file, key: "\(section).\(unknown)", message: "unknown key (expected one of \(keys.sorted().joined(separator: ", ")))")
            }
        }
        for key in overrides.keys where key.contains(".") {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard Self.known[parts[0]]?.contains(parts[1]) == true else {
                throw PipelineConfigError(file: file, key: key, message: "unknown key in an override")
            }
        }
        var config = PipelineConfig(
            file: file, name: try string("pipeline.name") ?? "pipeline",
            outputDirectory: try required(string("pipeline.output"), "pipeline.output", "a folder for the ledger and shards"),
            trainFile: try string("inputs.train"), testFile: try string("inputs.test"),
            vectorsFile: try required(string("inputs.vectors"), "inputs.vectors", "a word-vector file in GloVe text format"))
        if config.trainFile == nil && config.testFile == nil {
            throw PipelineConfigError(file: file, key: "inputs.train", message: "expected at least one of inputs.train and inputs.test")
        }
        if let data = try string("demo.data") {
            var demo = PipelineConfig.DemoSettings(dataDirectory: data)
            demo.images = try int("demo.images", range: 1...1_000_000) ?? demo.images
            demo.testImages = try int("demo.test_images", range: 1...1_000_000) ?? demo.testImages
            demo.seed = UInt64(try int("demo.seed", range: 0...Int.max) ?? Int(demo.seed))
            demo.longSide = try int("demo.long_side", range: 16...4096) ?? demo.longSide
            demo.serve = try bool("demo.serve") ?? demo.serve
            config.demo = demo
        }
        config.workers = try int("pipeline.workers", range: 1...256) ?? config.workers
        config.keepOriginals = try bool("pipeline.keep_originals") ?? false
        var download = config.download
        download.concurrency = try int("download.concurrency", range: 1...1024) ?? download.concurrency
        download.perHostConnections = try int("download.per_host_connections", range: 1...1024) ?? download.perHostConnections
        download.connectTimeoutSeconds = try double("download.connect_timeout", range: 0.1...600) ?? download.connectTimeoutSeconds
        download.totalTimeoutSeconds = try double("download.total_timeout", range: 0.1...3600) ?? download.totalTimeoutSeconds
        download.lowSpeedBytesPerSecond = try int("download.low_speed_bytes", range: 1...Int.max) ?? download.lowSpeedBytesPerSecond
        download.lowSpeedSeconds = try int("download.low_speed_time", range: 1...3600) ?? download.lowSpeedSeconds
        download.maxBodyBytes = try int("download.max_body_bytes", range: 1024...Int.max) ?? download.maxBodyBytes
        download.maxRedirects = try int("download.max_redirects", range: 0...50) ?? download.maxRedirects
        download.maxAttempts = try int("download.max_attempts", range: 1...20) ?? download.maxAttempts
        download.backoffBaseSeconds = try double("download.backoff_base", range: 0...600) ?? download.backoffBaseSeconds
        download.backoffMaxSeconds = try double("download.backoff_max", range: 0...3600) ?? download.backoffMaxSeconds
        download.retryAfterMaxSeconds = try double("download.retry_after_max", range: 0...3600) ?? download.retryAfterMaxSeconds
        download.outageThreshold = try int("download.outage_threshold", range: 1...100_000) ?? download.outageThreshold
        download.userAgent = try string("download.user_agent") ?? download.userAgent
        download.connectTo = try strings("download.connect_to") ?? []
        config.download = download
        var image = config.image
        image.size = try int("image.size", range: 8...1024) ?? image.size
        if let mode = try string("image.mode") {
            guard let parsed = ResizeMode(rawValue: mode) else {
                throw PipelineConfigError(file: file, key: "image.mode", message: "'\(mode)' is not one of \(ResizeMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            image.mode = parsed
        }
        image.minSide = try int("image.min_side", range: 1...100_000) ?? image.minSide
        image.maxPixels = try int("image.max_pixels", range: 1...Int.max) ?? image.maxPixels
        image.grayTolerance = try int("image.gray_tolerance", range: 0...255) ?? image.grayTolerance
        image.placeholdersFile = try string("image.placeholders") ?? image.placeholdersFile
        config.image = image
        config.encoder = try string("encode.encoder") ?? config.encoder
        guard config.encoder == "glove" else {
            throw PipelineConfigError(file: file, key: "encode.encoder", message: "'\(config.encoder)' is not a known encoder (expected \"glove\")")
        }
        config.shardSize = try int("shards.images_per_shard", range: 1...1_000_000) ?? config.shardSize
        config.maxCaptions = try int("shards.max_captions", range: 1...255) ?? config.maxCaptions
        return config
    }

    private func required<T>(_ value: T?, _ key: String, _ expected: String) throws -> T {
        guard let value else { throw PipelineConfigError(file: file, key: key, message: "missing; expected \(expected)") }
        return value
    }

    private func raw(_ key: String) -> (any TOMLValueConvertible)? {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        return root[parts[0]]?.table?[parts[1]]
    }

    private func expand(_ text: String, _ key: String) throws -> String {
        var result = text
        while let start = result.range(of: "${") {
            guard let end = result[start.upperBound...].firstIndex(of: "}") else {
                throw PipelineConfigError(file: file, key: key, message: "unclosed ${ in '\(text)'")
            }
            let name = String(result[start.upperBound..<end])
            guard let value = variables[name] ?? ProcessInfo.processInfo.environment[name] else {
                throw PipelineConfigError(file: file, key: key, message: "${\(name)} is not set (define it under [variables], pass --set \(name)=..., or set the environment variable)")
            }
            result.replaceSubrange(start.lowerBound...end, with: value)
        }
        return result
    }

    func string(_ key: String) throws -> String? {
        if let override = overrides[key] { return try expand(override, key) }
        guard let value = raw(key) else { return nil }
        guard let text = value.string else { throw typeError(key, "a string", value) }
        return try expand(text, key)
    }

    func strings(_ key: String) throws -> [String]? {
        if let override = overrides[key] { return try override.split(separator: ",").map { try expand(String($0), key) } }
        guard let value = raw(key) else { return nil }
        guard let array = value.array else { throw typeError(key, "an array of strings", value) }
        return try array.map { element in
            guard let text = element.string else { throw typeError(key, "an array of strings", value) }
            return try expand(text, key)
        }
    }

    func int(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        try number(key, range: range, expected: "an integer", parse: { Int($0) }, read: { $0.int })
    }

    func double(_ key: String, range: ClosedRange<Double>) throws -> Double? {
        try number(key, range: range, expected: "a number", parse: { Double($0) }, read: { $0.double ?? $0.int.map(Double.init) })
    }

    /// A number from an override (`parse`) or the file (`read`), checked against `range`.
    private func number<T: Comparable>(_ key: String, range: ClosedRange<T>, expected: String,
                                       parse: (String) -> T?, read: (any TOMLValueConvertible) -> T?) throws -> T? {
        let number: T
        if let override = overrides[key] {
            guard let parsed = parse(override) else {
                throw PipelineConfigError(file: file, key: key, message: "expected \(expected), got '\(override)'")
            }
            number = parsed
        } else {
            guard let value = raw(key) else { return nil }
            guard let parsed = read(value) else { throw typeError(key, expected, value) }
            number = parsed
        }
        guard range.contains(number) else {
            throw PipelineConfigError(file: file, key: key, message: "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        if let override = overrides[key] {
            guard let parsed = Bool(override) else { throw PipelineConfigError(file: file, key: key, message: "expected true or false, got '\(override)'") }
            return parsed
        }
        guard let value = raw(key) else { return nil }
        guard let parsed = value.bool else { throw typeError(key, "true or false", value) }
        return parsed
    }

    private func typeError(_ key: String, _ expected: String, _ value: any TOMLValueConvertible) -> PipelineConfigError {
        PipelineConfigError(file: file, key: key, message: "expected \(expected), found \(value.type)")
    }
}
