import Foundation

/// Prints one line for a failure: `t2i: <what and where>`, on standard error.
func printError(_ error: any Error) {
    FileHandle.standardError.write(Data("t2i: \(error)\n".utf8))
}
