import EEE443
import Foundation
import HDF5

/// `t2i-bench profile FILE`: times each step of `EEE443File.loadAll`, to see where load time goes.
func profileLoad(_ path: String) throws {
    var t = DispatchTime.now().uptimeNanoseconds
    func lap(_ label: String) {
        let n = DispatchTime.now().uptimeNanoseconds
        print(label, String(format: "%.2f ms", Double(n - t) / 1e6))
        t = n
    }
    let f = try HDF5File(readingFrom: path); lap("open file")
    _ = try f.rootNames(); lap("list root")
    let d = try f.dataset("word_code"); lap("open word_code (describe 1004 members)")
    _ = try d.readCompoundRecords(); lap("read word_code")
    let file = try EEE443File(path: path); lap("EEE443File init (all of the above)")
    _ = try file.readCaptionTokens(); lap("captions + token check")
    _ = try file.imageIDBase(); lap("imid range")
    _ = try file.readURLs(); lap("urls")
}
