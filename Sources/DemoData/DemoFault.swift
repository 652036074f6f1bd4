/// How the demo image host answers for one image: healthy, an HTTP-level failure, or a healthy
/// response whose body is an unusual or broken file. See docs/demo-host.md for the table.
public enum DemoFault: String, CaseIterable, Sendable, Hashable {
    /// 200 with the baseline JPEG.
    case none
    // HTTP-level faults (the host's behaviour).
    case notFound, gone, serverError, serverErrorThenOK, serviceUnavailableRetry, tooManyRequestsRetry
    case htmlPage, redirectToImage, redirectLoop, redirectToPlaceholder
    case truncatedBody, connectionReset, stall, slowTrickle
    // Body faults (the file written to DIR/images holds these bytes).
    case grayscaleJPEG, grayPixelsJPEG, cmykJPEG, progressiveJPEG
    case pngRGB, pngRGBA, pngPalette, png16Bit, pngInterlaced
    case zeroBytes, garbageBytes, tinyImage, hugeDeclaredSize

    /// Occurrences per 1,000 images (`none` takes the rest). Each fault's occurrences are spread
    /// evenly over every block of 1,000 image ids, the first within the first 200 ids.
    public var perMille: Int {
        switch self {
        case .none: 0
        case .notFound: 35
        case .gone: 15
        case .serverError: 10
        case .serverErrorThenOK: 10
        case .serviceUnavailableRetry: 8
        case .tooManyRequestsRetry: 8
        case .htmlPage: 8
        case .redirectToImage: 15
        case .redirectLoop: 5
        case .redirectToPlaceholder: 30
        case .truncatedBody: 5
        case .connectionReset: 5
        case .stall: 2
        case .slowTrickle: 3
        case .grayscaleJPEG: 10
        case .grayPixelsJPEG: 5
        case .cmykJPEG: 5
        case .progressiveJPEG: 15
        case .pngRGB, .pngRGBA, .pngPalette, .png16Bit, .pngInterlaced: 5
        case .zeroBytes: 4
        case .garbageBytes: 4
        case .tinyImage: 4
        case .hugeDeclaredSize: 3
        }
    }

    /// True when a careful client ends with no usable photo: the image is "dead", as about 13% of
    /// real EEE443 Flickr URLs are. Transient errors that succeed on a retry are not dead.
    public var isDead: Bool {
        switch self {
        case .notFound, .gone, .serverError, .htmlPage, .redirectLoop, .redirectToPlaceholder,
             .truncatedBody, .connectionReset, .stall, .zeroBytes, .garbageBytes, .tinyImage, .hugeDeclaredSize:
            true
        default:
            false
        }
    }

    /// True when the fault is in the served bytes rather than in the HTTP exchange.
    public var isBodyFault: Bool {
        switch self {
        case .grayscaleJPEG, .grayPixelsJPEG, .cmykJPEG, .progressiveJPEG, .pngRGB, .pngRGBA, .pngPalette,
             .png16Bit, .pngInterlaced, .zeroBytes, .garbageBytes, .tinyImage, .hugeDeclaredSize:
            true
        default:
            false
        }
    }
}

/// The fixed fault schedule: which fault each demo image id gets. A pure function of the id,
/// independent of the seed, so tests and the pipeline can state the expected outcome per id.
public enum DemoFaults {
    /// Length of the schedule; ids repeat it.
    public static let period = 1000

    /// The fault of demo image `id` (train image rows are ids 0..<N, test rows N..<N+M).
    public static func fault(forImage id: Int) -> DemoFault {
        precondition(id >= 0, "negative demo image id \(id)")
        return schedule[id % period]
    }

    /// Share of dead images over a whole period (0.13).
    public static var deadShare: Double {
        Double(DemoFault.allCases.filter(\.isDead).map(\.perMille).reduce(0, +)) / Double(period)
    }

    /// The first id with `fault`, below 200 for every fault.
    public static func firstImage(with fault: DemoFault) -> Int {
        guard let index = schedule.firstIndex(of: fault) else { preconditionFailure("\(fault) is not scheduled") }
        return index
    }

    /// Spreads each fault's occurrences evenly: rare faults are placed first, each at its own
    /// offset, then every occurrence takes the nearest free slot to its ideal position.
    static let schedule: [DemoFault] = {
        var slots = [DemoFault?](repeating: nil, count: period)
        let faults = DemoFault.allCases.filter { $0 != .none }
            .enumerated().sorted { ($0.element.perMille, $0.offset) < ($1.element.perMille, $1.offset) }
        for (order, (_, fault)) in faults.enumerated() {
            let count = fault.perMille
            let offset = 3 + order * 7
            for occurrence in 0..<count {
                let ideal = (offset + occurrence * period / count) % period
                var distance = 0
                while true {
                    let forward = (ideal + distance) % period
                    if slots[forward] == nil { slots[forward] = fault; break }
                    distance += 1
                }
            }
        }
        return slots.map { $0 ?? .none }
    }()
}
