import EEE443
import Foundation
import GloVe

/// `t2i-bench WHAT FILE [REPEATS]`: times one Foundation operation, best of REPEATS, and prints
/// `WHAT seconds=S` plus a check value so that the work cannot be optimised away.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: t2i-bench load|profile|decode|glove FILE [REPEATS]\n".utf8))
    exit(2)
}
let what = arguments[1], path = arguments[2]
let repeats = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
var best = Double.infinity
var check = ""
do {
    switch what {
    case "profile":
        try profileLoad(path, repeats: repeats)
        exit(0)
    case "load":
        for _ in 0..<repeats {
            best = min(best, try seconds {
                let file = try EEE443File(path: path)
                let all = try file.loadAll()
                check = "captions=\(all.count) urls=\(all.urls.count)"
            })
        }
    case "decode":
        let all = try EEE443File(path: path).loadAll()
        var texts: [String] = []
        for _ in 0..<repeats {
            texts = []
            best = min(best, seconds { texts = all.decodeAll() })
        }
        check = "captions=\(texts.count) chars=\(texts.reduce(0) { $0 + $1.utf8.count })"
    case "glove":
        for _ in 0..<repeats {
            best = min(best, try seconds {
                let vectors = try WordVectors.load(path: path)
                check = "words=\(vectors.words.count) dim=\(vectors.dimension)"
            })
        }
    default:
        FileHandle.standardError.write(Data("t2i-bench: unknown benchmark '\(what)'\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("t2i-bench: \(error)\n".utf8))
    exit(1)
}
print("\(what) seconds=\(String(format: "%.4f", best)) \(check)")
