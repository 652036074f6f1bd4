/// An (object, colour, background) triple, the unit of the held-out split.
///
/// About one triple in eight is held out: it never occurs in the train file, and a fixed share
/// of the test file's images (see `DemoDatasetOptions.heldOutTestStride`) show one. The rule is a
/// fixed hash of the triple, independent of the seed, so the list is the same for every dataset.
public struct DemoCombination: Sendable, Hashable, CustomStringConvertible {
    public var kind: DemoObjectKind
    public var colour: DemoColour
    public var background: DemoBackground

    public init(kind: DemoObjectKind, colour: DemoColour, background: DemoBackground) {
        self.kind = kind
        self.colour = colour
        self.background = background
    }

    /// True when this triple never occurs in the train file.
    public var isHeldOut: Bool {
        let key = _hash(0x4845_4C44, UInt64(DemoObjectKind.allCases.firstIndex(of: kind) ?? 0),
                        UInt64(DemoColour.allCases.firstIndex(of: colour) ?? 0),
                        UInt64(DemoBackground.allCases.firstIndex(of: background) ?? 0))
        return key % 8 == 0
    }

    /// Every held-out triple, in a fixed order (kind, colour, background).
    public static let heldOut: [DemoCombination] = all.filter(\.isHeldOut)

    /// Every triple, in a fixed order (kind, colour, background).
    public static let all: [DemoCombination] = DemoObjectKind.allCases.flatMap { kind in
        DemoColour.allCases.flatMap { colour in
            DemoBackground.allCases.map { DemoCombination(kind: kind, colour: colour, background: $0) }
        }
    }

    public var description: String { "\(colour.rawValue) \(kind.rawValue) / \(background.rawValue)" }
}
