/// The stages of `t2i prepare`, in order. Each records the hash of the configuration it ran
/// with; a changed hash redoes that stage and, since each hash includes the ones before it,
/// every stage after it, but never a stage before it.
public enum StageName: String, CaseIterable, Sendable, Codable {
    /// EEE443 files -> images and captions in the ledger.
    case captions
    /// Fetch each URL, filter and resize the body in memory; pixels into the ledger.
    case download
    /// Caption token ids -> caption vectors (GloVe mean; the trained GRU plugs in here).
    case encode
    /// Accepted images with their captions and vectors -> shard folders and manifests.
    case shards
}
