import Foundation
@testable import HDF5
import Testing
import TestSupport

/// `HDF5File.readCompound` reads simple compounds from their object header, without libhdf5's
/// dataset open; it must agree with libhdf5 on every layout h5py can write, and hand anything
/// it does not handle to libhdf5.
@Suite struct CompoundReadTests {
    /// name: (read directly?, what it exercises)
    static let datasets: [(name: String, direct: Bool)] = [
        ("v1_header", true),           // h5py default: version 1 object header, datatype version 1
        ("v1_continued", true),        // attributes added later push messages into continuation chunks
        ("v2_header", true),           // libver v110: "OHDR" header, datatype version 3
        ("v2_continued", true),        // the same with "OCHK" continuation chunks
        ("v2_many_members", true),     // datatype version 3: two-byte member offsets
        ("scalar", true),              // a scalar dataspace: one record, shape []
        ("many_members", true),        // 300 members: compound offsets past one byte
        ("chunked", false),            // chunked layout: read through HDF5
        ("big_endian", false),         // big-endian members: converted by HDF5
        ("compact", false),            // compact layout: read through HDF5
    ]

    static func writeFile(_ directory: TemporaryDirectory) throws -> [String] {
        let script = """
        import h5py, numpy as np, sys
        small = np.dtype([("b", "<i4"), ("a", "<f8"), ("x_START_", "<u2"), ("neg", "<i8"), ("f", "<f4")])
        def records(dtype, n):
            r = np.zeros(n, dtype=dtype)
            for i, name in enumerate(dtype.names):
                r[name] = [(i + 1) * 10 + k if dtype[name].kind == "u" else -(i + 1) * 10 - k + 0.5 * (dtype[name].kind == "f") for k in range(n)]
            return r
        wide = np.dtype([("w%03d" % k, "<f8" if k % 2 else "<i2") for k in range(300)])
        def fill(f):
            f.create_dataset("v1_header", data=records(small, 4))
            d = f.create_dataset("v1_continued", data=records(small, 3))
            for k in range(40):
                d.attrs["note%02d" % k] = np.arange(30, dtype="<i8") + k
            f.create_dataset("scalar", data=records(small, 1)[0])
            f.create_dataset("many_members", data=records(wide, 2))
            f.create_dataset("chunked", data=records(small, 5), chunks=(2,))
            f.create_dataset("big_endian", data=records(small, 2).astype(small.newbyteorder(">")))
            space = h5py.h5s.create_simple((2,))
            plist = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
            plist.set_layout(h5py.h5d.COMPACT)
            compact = h5py.h5d.create(f.id, b"compact", h5py.h5t.py_create(small), space, dcpl=plist)
            compact.write(h5py.h5s.ALL, h5py.h5s.ALL, records(small, 2))
        with h5py.File(sys.argv[1], "w") as f:
            fill(f)
        with h5py.File(sys.argv[2], "w", libver=("v110", "v110")) as f:
            f.create_dataset("v2_header", data=records(small, 4))
            f.create_dataset("v2_many_members", data=records(wide, 2))
            d = f.create_dataset("v2_continued", data=records(small, 3))
            for k in range(40):
                d.attrs["note%02d" % k] = np.arange(30, dtype="<i8") + k
        """
        let paths = [directory.file("v1.h5"), directory.file("latest.h5")]
        let result = try runProcess(pythonExecutable, ["-c", script] + paths)
        #expect(result.status == 0, "\(result.stderr)")
        return paths
    }

    @Test func directReadsAgreeWithHDF5AndOddLayoutsFallBack() throws {
        let directory = try TemporaryDirectory()
        let paths = try Self.writeFile(directory)
        for (name, direct) in Self.datasets {
            let file = try HDF5File(readingFrom: paths[name.hasPrefix("v2") ? 1 : 0])
            let dataset = try file.dataset(name)
            let viaHDF5 = try dataset.readCompoundRecords()
            let read = try file.readCompound(name)
            #expect(read.shape == dataset.shape, "\(name)")
            #expect(read.type == dataset.type, "\(name)")
            #expect(read.records.map { $0.map(\.name) } == viaHDF5.map { $0.map(\.name) }, "\(name)")
            #expect(read.records.map { $0.map(\.value) } == viaHDF5.map { $0.map(\.value) }, "\(name)")
            #expect(read.records.count == max(1, dataset.shape.reduce(1, *)), "\(name)")
            let taken = try HDF5Library.sync { try file._directCompound(name) } != nil
            #expect(taken == direct, "\(name): direct path \(taken ? "taken" : "not taken")")
        }
        // Values really came through: the first member of the first record.
        let first = try HDF5File(readingFrom: paths[0]).readCompound("v1_header").records[0]
        #expect(first.map(\.name) == ["b", "a", "x_START_", "neg", "f"])
        #expect(first.map(\.value) == [-10, -19.5, 30, -40, -49.5])
    }

    /// The EEE443 fixtures' vocabularies (int32, int64, float64 members; a 512-byte user block)
    /// are read directly, except the big-endian one.
    @Test(arguments: ["train_int32_fixed_int.h5", "train_int64_vlen_float.h5", "train_userblock_float.h5",
                      "train_userblock_bigendian.h5", "test_int32_zero_based.h5"])
    func eee443VocabulariesAreReadDirectly(name: String) throws {
        let file = try HDF5File(readingFrom: try GeneratedFixtures.eee443() + "/" + name)
        let direct = try HDF5Library.sync { try file._directCompound("word_code") }
        #expect((direct != nil) == !name.contains("bigendian"))
        let viaHDF5 = try file.dataset("word_code").readCompoundRecords()
        if let direct {
            #expect(direct.records.map { $0.map(\.name) } == viaHDF5.map { $0.map(\.name) })
            #expect(direct.records.map { $0.map(\.value) } == viaHDF5.map { $0.map(\.value) })
            #expect(direct.records.first?.count == 1004)
        }
    }

    @Test func missingAndNonCompoundDatasets() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("plain.h5")
        do { try HDF5File(creating: path).write("ints", shape: [3], values: [Int32(1), 2, 3]) }
        let file = try HDF5File(readingFrom: path)
        #expect(throws: HDF5Error.self) { try file.readCompound("absent") }
        let ints = try file.readCompound("ints")
        #expect(ints.type == .integer(signed: true, bytes: 4) && ints.shape == [3] && ints.records.isEmpty)
    }
}
