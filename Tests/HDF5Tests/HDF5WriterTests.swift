import Foundation
import HDF5
import Testing
import TestSupport

@Suite struct HDF5WriterTests {
    /// Writes with this wrapper and reads back with h5py, an independent reader.
    @Test func h5pyReadsWhatTheWrapperWrites() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("written.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.write("ints", shape: [2, 3], values: [Int32(1), 2, 3, -4, 5, 6])
            try file.write("floats", shape: [3], values: [Float(0.5), -1.25, 3])
            try file.writeStrings("fixed", values: ["http://a/b.jpg", "x"], fixedLength: 20)
            try file.writeStrings("variable", values: ["longer string here", ""], fixedLength: nil)
            try file.writeCompoundRecord("compound", members: [("b", 1.0), ("a", 0.0), ("x_START_", 2.0)])
            try file.flush()
        }
        let script = """
        import h5py, json, sys
        f = h5py.File(sys.argv[1], "r")
        out = {"ints": f["ints"][...].tolist(), "intsType": str(f["ints"].dtype), "floats": f["floats"][...].tolist(),
               "fixed": [s.decode() for s in f["fixed"][...]], "fixedType": str(f["fixed"].dtype),
               "variable": [s.decode() if isinstance(s, bytes) else s for s in f["variable"][...]],
               "compound": {k: float(f["compound"][0][k]) for k in f["compound"].dtype.names},
               "order": list(f["compound"].dtype.names)}
        print(json.dumps(out))
        """
        let result = try runProcess(pythonExecutable, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(decoded["ints"] as? [[Int]] == [[1, 2, 3], [-4, 5, 6]])
        #expect(decoded["intsType"] as? String == "int32")
        #expect(decoded["floats"] as? [Double] == [0.5, -1.25, 3])
        #expect(decoded["fixed"] as? [String] == ["http://a/b.jpg", "x"])
        #expect(decoded["fixedType"] as? String == "|S20")
        #expect(decoded["variable"] as? [String] == ["longer string here", ""])
        #expect(decoded["compound"] as? [String: Double] == ["b": 1, "a": 0, "x_START_": 2])
        #expect(decoded["order"] as? [String] == ["b", "a", "x_START_"])
    }

    @Test func readsBackTypesShapesAndRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("roundtrip.h5")
        do {
            let file = try HDF5File(creating: path)
            try file.write("u16", shape: [4, 2], values: (0..<8).map { UInt16($0 * 1000) })
            try file.write("f64", shape: [2], values: [1.5, 2.5])
        }
        let file = try HDF5File(readingFrom: path)
        #expect(try file.rootNames() == ["f64", "u16"])
        let u16 = try file.dataset("u16")
        #expect(u16.shape == [4, 2] && u16.type == .integer(signed: false, bytes: 2))
        #expect(try u16.read(Int32.self, rows: 1..<3) == [2000, 3000, 4000, 5000])
        #expect(try u16.read(Double.self) == (0..<8).map { Double($0 * 1000) })
        #expect(try file.dataset("f64").type == .float(bytes: 8))
        #expect(throws: HDF5Error.self) { try u16.readStrings() }
        #expect(throws: HDF5Error.self) { try file.dataset("absent") }
    }
}

@Suite struct FixedStringReadTests {
    /// Fixed-length strings in every padding HDF5 knows and both charsets, written by h5py's
    /// low-level API; t2i reads them in the stored type, unconverted, and trims them itself.
    @Test func everyPaddingAndCharsetReadsAsH5pyReadsIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("padded.h5")
        let values = ["http://a/b.jpg", "x", "", "caf\u{e9} au lait"]
        let script = """
        import h5py, numpy as np, sys
        values = [v.encode() for v in sys.argv[2:]]
        with h5py.File(sys.argv[1], "w") as f:
            for name, pad, cset in [("nullpad", h5py.h5t.STR_NULLPAD, h5py.h5t.CSET_ASCII),
                                    ("nullterm", h5py.h5t.STR_NULLTERM, h5py.h5t.CSET_ASCII),
                                    ("spacepad", h5py.h5t.STR_SPACEPAD, h5py.h5t.CSET_ASCII),
                                    ("spacepad_utf8", h5py.h5t.STR_SPACEPAD, h5py.h5t.CSET_UTF8)]:
                tid = h5py.h5t.C_S1.copy()
                tid.set_size(24)
                tid.set_strpad(pad)
                tid.set_cset(cset)
                space = h5py.h5s.create_simple((len(values),))
                dset = h5py.h5d.create(f.id, name.encode(), tid, space)
                memory = h5py.h5t.C_S1.copy()
                memory.set_size(24)
                memory.set_cset(cset)
                dset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array(values, dtype="S24"), mtype=memory)
            raw = f["spacepad"].id.get_offset()
        with open(sys.argv[1], "rb") as f:
            f.seek(raw)
            print(f.read(24).decode())
        """
        let result = try runProcess(pythonExecutable, ["-c", script, path] + values)
        #expect(result.status == 0, "\(result.stderr)")
        // The stored bytes really are space-padded, so the reader must trim them itself.
        #expect(result.stdout.hasPrefix("http://a/b.jpg          "), "\(result.stdout)")
        let file = try HDF5File(readingFrom: path)
        for name in ["nullpad", "nullterm", "spacepad", "spacepad_utf8"] {
            let dataset = try file.dataset(name)
            #expect(dataset.type == .string(length: 24))
            // NULLTERM keeps a terminator, so its last value lost its final byte on write.
            let expected = name == "nullterm" ? values.map { String($0.utf8.prefix(23))! } : values
            #expect(try dataset.readStrings() == expected, "\(name)")
            #expect(try dataset.readStrings(rows: 1..<3) == Array(expected[1..<3]), "\(name)")
        }
    }
}

@Suite struct SystemLibraryTests {
    /// SwiftPM only warns when a pkg-config name is wrong; this makes a wrong or missing one fail.
    @Test func everyPkgConfigNameInThePackageResolves() throws {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let names = manifest.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "pkgConfig: \"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(Set(names) == ["hdf5", "libcurl", "libturbojpeg", "libpng", "openblas"])
        for name in names {
            let result = try runProcess("/usr/bin/env", ["pkg-config", "--exists", "--print-errors", name])
            #expect(result.status == 0, "pkg-config cannot find \(name): \(result.stderr)")
        }
    }

    @Test func hdf5LibraryVersionIsReadable() {
        #expect(HDF5Library.version.hasPrefix("1."))
    }
}
