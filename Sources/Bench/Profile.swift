import EEE443
import HDF5
import Foundation

func profileLoad(_ path: String) throws {
    var t = DispatchTime.now().uptimeNanoseconds
    func lap(_ label: String) { let n = DispatchTime.now().uptimeNanoseconds; print(label, Double(n - t) / 1e6, "ms"); t = n }
    let f = try HDF5File(readingFrom: path); lap("h5 open")
    _ = try f.rootNames(); lap("names")
    let d = try f.dataset("word_code"); lap("open word_code")
    _ = try d.readCompoundRecords(); lap("read compound")
    _ = try f.dataset("train_cap"); lap("open train_cap")
    let file = try EEE443File(path: path); lap("open+vocab")
    _ = try file.captions.read(Int32.self); lap("captions raw read")
}
