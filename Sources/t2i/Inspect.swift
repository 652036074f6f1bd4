import ArgumentParser

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Describe EEE443 HDF5 files and GloVe files.")
    @Argument(help: "HDF5 or GloVe files.") var files: [String]
    func run() async throws {}
}
