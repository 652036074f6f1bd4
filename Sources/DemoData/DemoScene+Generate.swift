extension DemoScene {
    /// The scene of one image, a pure function of the seed, the split and the image's row.
    /// - Parameters:
    ///   - heldOut: when true the first object shows a held-out triple; otherwise no object does.
    static func generate(seed: UInt64, split: UInt64, row: Int, heldOut: Bool) -> DemoScene {
        var rng = _SplitMix64(seed: seed, 0x5343_454E, split, UInt64(row))
        let background: DemoBackground
        let first: DemoObject
        if heldOut {
            let combination = DemoCombination.heldOut[Int(rng.next() % UInt64(DemoCombination.heldOut.count))]
            background = combination.background
            first = DemoObject(kind: combination.kind, colour: combination.colour, size: randomSize(&rng))
        } else {
            background = pick(DemoBackground.allCases, &rng)
            first = randomObject(on: background, avoiding: nil, &rng)
        }
        guard rng.unit() < 0.35 else {
            return DemoScene(background: background, first: first, position: pick(DemoPosition.allCases, &rng))
        }
        let second = randomObject(on: background, avoiding: first, &rng)
        return DemoScene(background: background, first: first, second: second,
                         position: .center, relation: pick(DemoRelation.allCases, &rng))
    }

    private static func randomObject(on background: DemoBackground, avoiding other: DemoObject?,
                                     _ rng: inout _SplitMix64) -> DemoObject {
        while true {
            let kind = pick(DemoObjectKind.allCases, &rng)
            let colour = pick(DemoColour.allCases, &rng)
            if let other, other.kind == kind || other.colour == colour { continue }
            if DemoCombination(kind: kind, colour: colour, background: background).isHeldOut { continue }
            return DemoObject(kind: kind, colour: colour, size: randomSize(&rng))
        }
    }

    private static func randomSize(_ rng: inout _SplitMix64) -> DemoSize { pick(DemoSize.allCases, &rng) }
}

func pick<T>(_ items: [T], _ rng: inout _SplitMix64) -> T {
    items[Int(rng.next() % UInt64(items.count))]
}
