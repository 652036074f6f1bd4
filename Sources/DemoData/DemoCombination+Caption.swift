import EEE443

extension DemoCombination {
    /// The caption the evaluation asks G to draw for this triple, in the demo's own phrasing
    /// ("a red ball on the grass"), with the background phrase fixed rather than drawn.
    public var caption: String {
        var rng = _SplitMix64(seed: 0, 0x4556_414C, UInt64(DemoBackground.allCases.firstIndex(of: background) ?? 0))
        return sentence("a", "\(colour.rawValue) \(kind.rawValue)", background.phrase(&rng))
    }
}

extension DemoDataset {
    /// The scene of image `row` of `split` in a demo dataset made with `seed`, without generating
    /// the rest (test rows at multiples of `heldOutTestStride` show held-out triples).
    public static func scene(seed: UInt64, split: EEE443Split, row: Int) -> DemoScene {
        let heldOut = split == .test && row % DemoDatasetOptions.heldOutTestStride == 0
        return DemoScene.generate(seed: seed, split: split == .train ? 1 : 2, row: row, heldOut: heldOut)
    }
}
