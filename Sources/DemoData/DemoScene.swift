/// What a demo image shows: one or two coloured objects on a background, in words the real
/// EEE443 vocabulary has.
public struct DemoScene: Sendable, Hashable {
    public var background: DemoBackground
    public var first: DemoObject
    /// A second object, placed by `relation` relative to `first`.
    public var second: DemoObject?
    /// Where a single object sits (ignored when there are two).
    public var position: DemoPosition
    /// How `first` sits relative to `second` (nil when there is one object).
    public var relation: DemoRelation?

    public init(background: DemoBackground, first: DemoObject, second: DemoObject? = nil,
                position: DemoPosition = .center, relation: DemoRelation? = nil) {
        self.background = background
        self.first = first
        self.second = second
        self.position = position
        self.relation = relation
    }

    /// The (object, colour, background) triples the scene shows.
    public var combinations: [DemoCombination] {
        [first, second].compactMap { $0 }.map { DemoCombination(kind: $0.kind, colour: $0.colour, background: background) }
    }
}

/// One object of a scene.
public struct DemoObject: Sendable, Hashable {
    public var kind: DemoObjectKind
    public var colour: DemoColour
    public var size: DemoSize

    public init(kind: DemoObjectKind, colour: DemoColour, size: DemoSize) {
        self.kind = kind
        self.colour = colour
        self.size = size
    }
}

/// Objects drawn in demo scenes; raw values are vocabulary words.
public enum DemoObjectKind: String, CaseIterable, Sendable, Hashable {
    case ball, kite, sign, plate, clock, frisbee, pizza, donut, box, umbrella
}

/// Object colours; raw values are vocabulary words.
public enum DemoColour: String, CaseIterable, Sendable, Hashable {
    case red, blue, green, yellow, white, black, orange, brown, pink, purple, gray

    /// Base sRGB colour.
    var rgb: (Float, Float, Float) {
        switch self {
        case .red: (205, 30, 35)
        case .blue: (30, 70, 200)
        case .green: (40, 160, 50)
        case .yellow: (245, 215, 40)
        case .white: (240, 240, 236)
        case .black: (25, 25, 28)
        case .orange: (245, 130, 25)
        case .brown: (120, 72, 35)
        case .pink: (245, 140, 185)
        case .purple: (120, 45, 160)
        case .gray: (128, 128, 128)
        }
    }
}

/// Object sizes; `medium` is drawn but never named in captions.
public enum DemoSize: String, CaseIterable, Sendable, Hashable {
    case small, medium, large

    /// The words captions use for this size (empty: not mentioned).
    public var words: [String] {
        switch self {
        case .small: ["small", "little"]
        case .medium: []
        case .large: ["large", "big"]
        }
    }

    /// Object radius as a fraction of the image's shorter side.
    var radiusFraction: Float {
        switch self {
        case .small: 0.11
        case .medium: 0.17
        case .large: 0.25
        }
    }
}

/// Where a single object sits in the frame.
public enum DemoPosition: String, CaseIterable, Sendable, Hashable {
    case left, right, top, bottom, center

    /// Centre of the object in [0, 1] frame coordinates.
    var anchor: (x: Float, y: Float) {
        switch self {
        case .left: (0.27, 0.52)
        case .right: (0.73, 0.52)
        case .top: (0.5, 0.28)
        case .bottom: (0.5, 0.74)
        case .center: (0.5, 0.5)
        }
    }
}

/// How the first of two objects sits relative to the second.
public enum DemoRelation: String, CaseIterable, Sendable, Hashable {
    case nextTo = "next to"
    case above
    case below

    /// The relation seen from the second object.
    var inverse: DemoRelation {
        switch self {
        case .nextTo: .nextTo
        case .above: .below
        case .below: .above
        }
    }
}

/// Scene backgrounds; raw values are vocabulary words.
public enum DemoBackground: String, CaseIterable, Sendable, Hashable {
    case sky, grass, water, snow, beach, street, wall, field

    /// Prepositional phrases that place an object on this background.
    var phrases: [String] {
        switch self {
        case .sky: ["in the sky", "in the blue sky"]
        case .grass: ["on the grass", "on the green grass", "in the grass"]
        case .water: ["on the water", "in the water"]
        case .snow: ["in the snow", "on the snow"]
        case .beach: ["on the beach", "on the sand"]
        case .street: ["on the street", "in the street"]
        case .wall: ["on the wall", "against a wall", "in front of a wall"]
        case .field: ["in a field", "in the field", "in a grassy field"]
        }
    }
}
