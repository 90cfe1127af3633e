// The `losscast` command. Thin by design: each subcommand parses its options, calls one
// library function and prints. Before any of that, the OpenBLAS kernel is settled (see
// Tensors/BLAS+Kernel.swift), which may re-execute the process once.
import ArgumentParser
import Tensors

@main
struct LossCast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "losscast",
        abstract: "Predict a language-model pretraining run's loss from its configuration.",
        subcommands: [
            Doctor.self, Ingest.self, RunsCommand.self, Fit.self, Train.self, Predict.self, Rank.self, Demo.self,
            Simulate.self, Serve.self, Eval.self, EvalSources.self, Adapt.self, Score.self, CampaignCommand.self, Cost.self
        ]
    )

    static func main() async {
        KernelSelection.settle()
        await main(nil)
    }
}
