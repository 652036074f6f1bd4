/// Which half of the dataset a file holds, and the names its datasets have there.
public enum EEE443Split: String, Sendable, CaseIterable, Codable {
    case train
    case test

    /// Caption rows: `train_cap`, but `test_caps` (with the s) in the test file.
    public var captionsDataset: String { self == .train ? "train_cap" : "test_caps" }
    /// The image of each caption row.
    public var imageIDsDataset: String { "\(rawValue)_imid" }
    /// The Flickr URL of each image row.
    public var urlsDataset: String { "\(rawValue)_url" }
    /// PCA-512 VGG features of each image row (not needed by the pipeline).
    public var featuresDataset: String { "\(rawValue)_ims" }
    /// The vocabulary compound, the same name in both files.
    public static let vocabularyDataset = "word_code"
    /// The file name of this split in the two-file edition.
    public var fileName: String { "eee443_project_dataset_\(rawValue).h5" }
}
