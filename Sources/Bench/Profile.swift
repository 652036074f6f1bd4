import EEE443
import Foundation
import HDF5

/// `t2i-bench profile FILE [REPEATS]`: times each step of `EEE443File.loadAll`, best of REPEATS
/// per step, to see where load time goes.
func profileLoad(_ path: String, repeats: Int) throws {
    var labels: [String] = []
    var best: [String: Double] = [:]
    for _ in 0..<max(repeats, 1) {
        var t = DispatchTime.now().uptimeNanoseconds
        func lap(_ label: String) {
            let n = DispatchTime.now().uptimeNanoseconds
            if best[label] == nil { labels.append(label) }
            best[label] = min(best[label] ?? .infinity, Double(n - t) / 1e6)
            t = n
        }
        let f = try HDF5File(readingFrom: path); lap("open file")
        _ = try f.rootNames(); lap("list root")
        _ = try f.readCompound("word_code"); lap("word_code from its object header")
        let d = try f.dataset("word_code"); lap("  (for comparison: H5Dopen + describe)")
        _ = try d.readCompoundRecords(); lap("  (then read its record)")
        let file = try EEE443File(path: path); lap("EEE443File init (open, word_code, 3 datasets)")
        let raw = try file.captions.read(Int32.self); lap("captions: read only")
        withExtendedLifetime(raw) {}
        _ = try file.readCaptionTokens(); lap("captions + token check")
        _ = try file.imageIDBase(); lap("imid range")
        _ = try file.readURLs(); lap("urls")
        let all = try file.loadAll(); lap("loadAll")
        withExtendedLifetime(all) {}
    }
    for label in labels { print(label.padding(toLength: 48, withPad: " ", startingAt: 0), String(format: "%7.2f ms", best[label] ?? 0)) }
}
