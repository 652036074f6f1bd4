extension DemoScene {
    /// About five captions in varied phrasing, every word in the EEE443 vocabulary and at most
    /// 15 words each (the caption rows hold 15 words between `<START>` and `<END>`).
    /// - Parameter rng: the image's generator; the count and the phrasings come from it.
    func captions(_ rng: inout _SplitMix64) -> [String] {
        let roll = rng.unit()
        let count = roll < 0.8 ? 5 : (roll < 0.9 ? 6 : 4)
        var templates = second == nil ? Self.singleTemplates : Self.pairTemplates
        templates.shuffle(using: &rng)
        var seen = Set<String>()
        var result: [String] = []
        var attempt = 0
        while result.count < count, attempt < 4 * templates.count {
            let caption = templates[attempt % templates.count](self, &rng)
            attempt += 1
            if seen.insert(caption).inserted { result.append(caption) }
        }
        return result
    }

    typealias Template = @Sendable (DemoScene, inout _SplitMix64) -> String

    private static let singleTemplates: [Template] = [
        { s, r in sentence("a", s.first.phrase(&r, size: true), s.background.phrase(&r)) },
        { s, r in sentence("there is a", s.first.phrase(&r, size: false), s.background.phrase(&r)) },
        { s, r in sentence(pick(["a picture of a", "a photo of a", "an image of a", "a close up of a"], &r), s.first.phrase(&r, size: true), s.background.phrase(&r)) },
        { s, r in sentence("a", s.first.phrase(&r, size: false), s.position.phrase(&r), "of the picture") },
        { s, r in sentence("the", s.background.rawValue, "with a", s.first.phrase(&r, size: true), s.position.phrase(&r)) },
        { s, r in sentence("a", s.first.kind.rawValue, "that is", s.first.colour.rawValue, s.background.phrase(&r)) },
        { s, r in sentence(s.position.phrase(&r), "is a", s.first.phrase(&r, size: true)) },
        { s, r in sentence("a", s.first.phrase(&r, size: true), s.first.kind.verb(on: s.background), s.background.phrase(&r)) },
    ]

    private static let pairTemplates: [Template] = [
        { s, r in sentence("a", s.first.phrase(&r, size: false), s.relationPhrase(&r, inverse: false), "a", s.secondObject.phrase(&r, size: false)) },
        { s, r in sentence("a", s.first.phrase(&r, size: false), "and a", s.secondObject.phrase(&r, size: false), s.background.phrase(&r)) },
        { s, r in sentence("a", s.first.phrase(&r, size: true), s.relationPhrase(&r, inverse: false), "a", s.secondObject.phrase(&r, size: false), s.background.phrase(&r)) },
        { s, r in sentence(pick(["a picture of a", "a photo of a", "an image of a"], &r), s.first.phrase(&r, size: false), "and a", s.secondObject.phrase(&r, size: false)) },
        { s, r in sentence("there is a", s.first.phrase(&r, size: false), s.relationPhrase(&r, inverse: false), "a", s.secondObject.phrase(&r, size: false)) },
        { s, r in sentence("a", s.secondObject.phrase(&r, size: true), s.relationPhrase(&r, inverse: true), "a", s.first.phrase(&r, size: false), s.background.phrase(&r)) },
        { s, r in sentence("two things", s.background.phrase(&r), "a", s.first.phrase(&r, size: false), "and a", s.secondObject.phrase(&r, size: false)) },
    ]

    private var secondObject: DemoObject {
        guard let second else { preconditionFailure("a pair template used on a one-object scene") }
        return second
    }

    private func relationPhrase(_ rng: inout _SplitMix64, inverse: Bool) -> String {
        guard let relation else { preconditionFailure("a pair template used on a one-object scene") }
        switch inverse ? relation.inverse : relation {
        case .nextTo: return pick(["next to", "beside", "near"], &rng)
        case .above: return pick(["above", "over"], &rng)
        case .below: return pick(["below", "under"], &rng)
        }
    }
}

extension DemoObject {
    /// "small red ball", "red ball": the size word only when asked and the size has one.
    func phrase(_ rng: inout _SplitMix64, size withSize: Bool) -> String {
        let words = size.words
        if withSize, !words.isEmpty { return "\(pick(words, &rng)) \(colour.rawValue) \(kind.rawValue)" }
        return "\(colour.rawValue) \(kind.rawValue)"
    }
}

extension DemoObjectKind {
    /// A verb that fits the object on a background.
    func verb(on background: DemoBackground) -> String {
        switch (self, background) {
        case (.kite, .sky): "flying"
        case (.clock, .wall): "hanging"
        case (.sign, _), (.umbrella, _): "standing"
        case (_, .sky): "flying"
        case (_, .water): "floating"
        default: "sitting"
        }
    }
}

extension DemoBackground {
    func phrase(_ rng: inout _SplitMix64) -> String { pick(phrases, &rng) }
}

extension DemoPosition {
    func phrase(_ rng: inout _SplitMix64) -> String {
        switch self {
        case .left: pick(["on the left", "on the left side"], &rng)
        case .right: pick(["on the right", "on the right side"], &rng)
        case .top: pick(["at the top", "near the top"], &rng)
        case .bottom: pick(["at the bottom", "near the bottom"], &rng)
        case .center: pick(["in the center", "in the middle"], &rng)
        }
    }
}

/// Joins parts into a caption, using "an" before a vowel sound.
func sentence(_ parts: String...) -> String {
    var words = parts.joined(separator: " ").split(separator: " ").map(String.init)
    for index in words.indices.dropLast() where words[index] == "a" {
        if let next = words[index + 1].first, "aeiou".contains(next) { words[index] = "an" }
    }
    return words.joined(separator: " ")
}
