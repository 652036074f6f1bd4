import HDF5

/// One EEE443 HDF5 file (train or test) of the two-file edition.
///
/// Opening checks the layout (datasets present, ranks, widths, the vocabulary) without reading
/// the large arrays; reads then go by hyperslab, so memory follows the rows asked for.
///
/// The older single-file edition (`eee443_project_dataset.h5`, both splits plus `/word_key`) is
/// recognised and refused with a message saying so: its vocabulary layout was never published, and
/// reading it by guesswork could silently mislabel every caption.
public final class EEE443File: Sendable {
    /// Tokens per caption row: `<START>`, up to 15 words, `<END>`, padding.
    public static let captionWidth = 17

    public let path: String
    public let split: EEE443Split
    public let vocabulary: Vocabulary
    public let captions: HDF5Dataset
    public let imageIDs: HDF5Dataset
    public let urls: HDF5Dataset
    let file: HDF5File

    /// Opens `path`, detecting whether it is the train or the test file.
    /// - Throws: `EEE443Error` or `HDF5Error`, one line naming the file, the dataset and the problem.
    public init(path: String) throws {
        self.path = path
        let file = try HDF5File(readingFrom: path)
        self.file = file
        let names = Set(try file.rootNames())
        let splits = EEE443Split.allCases.filter { names.contains($0.captionsDataset) }
        if names.contains("word_key") || splits.count > 1 {
            throw EEE443Error(file: path, dataset: nil, message: "this is the older single-file edition (both splits, '/word_key'); t2i reads the two-file edition eee443_project_dataset_train.h5 and eee443_project_dataset_test.h5")
        }
        guard let split = splits.first else {
            throw EEE443Error(file: path, dataset: nil, message: "neither 'train_cap' nor 'test_caps' is present: not an EEE443 file (root holds: \(names.sorted().joined(separator: ", ")))")
        }
        self.split = split
        captions = try file.dataset(split.captionsDataset)
        imageIDs = try file.dataset(split.imageIDsDataset)
        urls = try file.dataset(split.urlsDataset)
        vocabulary = try Self.readVocabulary(file: file)
        try checkLayout()
    }

    /// Number of caption rows.
    public var captionCount: Int { captions.rowCount }
    /// Number of images (URL rows).
    public var imageCount: Int { urls.rowCount }

    private func checkLayout() throws {
        func fail(_ dataset: HDF5Dataset, _ message: String) -> EEE443Error {
            EEE443Error(file: path, dataset: dataset.name, message: message)
        }
        guard captions.shape.count == 2 else {
            throw fail(captions, "rank \(captions.shape.count) (shape \(captions.shape)), expected 2: (captions, \(Self.captionWidth))")
        }
        guard captions.shape[1] == Self.captionWidth else {
            throw fail(captions, "width \(captions.shape[1]), expected \(Self.captionWidth) tokens per caption")
        }
        guard captions.type.isNumeric else { throw fail(captions, "stored type \(captions.type), expected integers") }
        guard imageIDs.shape.count == 1 || (imageIDs.shape.count == 2 && imageIDs.shape[1] == 1) else {
            throw fail(imageIDs, "rank \(imageIDs.shape.count) (shape \(imageIDs.shape)), expected 1")
        }
        guard imageIDs.type.isNumeric else { throw fail(imageIDs, "stored type \(imageIDs.type), expected integers") }
        guard imageIDs.rowCount == captions.rowCount else {
            throw fail(imageIDs, "\(imageIDs.rowCount) rows but '\(captions.name)' has \(captions.rowCount)")
        }
        guard urls.shape.count == 1 || (urls.shape.count == 2 && urls.shape[1] == 1) else {
            throw fail(urls, "rank \(urls.shape.count) (shape \(urls.shape)), expected 1")
        }
        guard case .string = urls.type else { throw fail(urls, "stored type \(urls.type), expected strings") }
    }

    /// Reads `word_code`: member values are the ids, in any member order, and must be a
    /// permutation of 0..<N.
    static func readVocabulary(file: HDF5File) throws -> Vocabulary {
        let name = EEE443Split.vocabularyDataset
        let stored = try file.readCompound(name)
        func fail(_ message: String) -> EEE443Error { EEE443Error(file: file.path, dataset: name, message: message) }
        guard case let .compound(members) = stored.type else {
            throw fail("stored type \(stored.type), expected a one-record compound of word ids")
        }
        guard stored.shape.reduce(1, *) == 1 else {
            throw fail("shape \(stored.shape), expected one record")
        }
        guard !members.isEmpty else { throw fail("the compound has no members") }
        guard let record = stored.records.first else { throw fail("no record") }
        var names = [String?](repeating: nil, count: record.count)
        for (member, value) in record {
            guard value.isFinite, value == value.rounded(), value >= 0, value < Double(record.count) else {
                throw fail("member '\(member)' has id \(value), outside 0..<\(record.count)")
            }
            let id = Int(value)
            if let other = names[id] {
                throw fail("id \(id) is given to both '\(other)' and '\(member)': ids are not a permutation of 0..<\(record.count)")
            }
            names[id] = member
        }
        return Vocabulary(memberNames: names.map { $0 ?? "" })
    }
}
