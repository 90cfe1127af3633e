// `losscast fit LAW`: fit a scaling law to runs from the store; `--save` writes the fit.
import ArgumentParser
import Foundation
import Laws
import RunStore
import Runs

struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a scaling law to runs in the store.",
        discussion: "Laws: \(LawRegistry.all.map { "\($0.name) (\($0.formula))" }.joined(separator: "; ")).")

    @Argument(help: "The law: \(LawRegistry.all.map(\.name).joined(separator: ", ")).") var law: String
    @OptionGroup var filter: RunsCommand.Filter
    @OptionGroup var storeOptions: StoreOptions
    @Option(help: "Bootstrap resamples over runs, for 95% intervals.") var bootstrap = 0
    @Option(help: "Huber delta on log-loss residuals.") var huberDelta = 1e-3
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 0
    @Flag(help: "Include runs marked diverged (left out by default).") var includeDiverged = false
    @Option(help: "Write the fit to this JSON file.") var save: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let chosen = try LawRegistry.law(named: law)
        var query = try filter.query()
        if query.statuses.isEmpty && !includeDiverged { query.statuses = [.ok, .truncated] }
        let runs = try storeOptions.openExisting().runs(query)
        guard !runs.isEmpty else { throw ValidationError("no runs match the selection; see `losscast runs list`") }
        var options = FitOptions()
        options.bootstrapResamples = bootstrap
        options.huberDelta = huberDelta
        options.seed = seed
        let bar = LockedProgressBar(ProgressBar(total: bootstrap, label: "bootstrap"))
        if bootstrap > 0 { options.bootstrapProgress = { done in bar.update(done, detail: "\(done)/\(bootstrap) resamples") } }
        defer { bar.finish() }
        let selection =
            "sources \(filter.source.isEmpty ? "all" : filter.source.joined(separator: ",")); "
            + "where \(filter.conditions.joined(separator: " and ")); \(runs.count) runs"
        let report = try chosen.fit(runs: runs, options: options, selection: selection)
        // A fit whose error or parameters are not finite is no fit: refused, never saved.
        guard report.meanAbsoluteError.isFinite, report.parameters.allSatisfy(\.isFinite) else {
            throw ValidationError(
                "the \(report.law) fit did not converge to finite values (R^2 \(report.rSquared), MAE \(report.meanAbsoluteError)); "
                    + "check the runs for impossible values with `losscast runs list`")
        }
        if let save {
            try JSONOutput.write(report, to: save)
        }
        if json {
            try printJSON(report)
            return
        }
        print("\(report.law): \(report.formula)")
        print("fitted on \(report.points) points from \(report.runs) runs (\(report.selection))")
        for name in report.naturalOrder {
            var line = "  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%12.6g", report.natural[name]!))"
            if let interval = report.intervals?[name] {
                line += String(format: "   95%% interval %.6g to %.6g (%d resamples)", interval[0], interval[1], report.bootstrapResamples)
            }
            print(line)
        }
        print(
            String(
                format: "R^2 %.5f   MAE %.5f   RMSE %.5f on the fitted points", report.rSquared, report.meanAbsoluteError,
                report.rootMeanSquaredError))
        if let save { print("saved to \(save)") }
    }
}
