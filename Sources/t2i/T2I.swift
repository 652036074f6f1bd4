import ArgumentParser

/// The `t2i` command: each stage of the toolkit is a subcommand in its own file.
@main
struct T2I: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "t2i",
        abstract: "Turn the EEE443 COCO captioning files into clean 64x64 training shards and train a text-conditioned GAN on the CPU.",
        subcommands: [
            Inspect.self,
            Prepare.self,
            Status.self,
            Verify.self,
            Export.self,
            DemoDataCommand.self,
            ServeDemo.self,
            ImageCommand.self,
            Train.self,
            Sample.self,
            Evaluate.self,
        ]
    )
}
