// What a backtest says, as a text table for the terminal, and as a report a person reads:
// Markdown and an HTML page with SVG figures (predicted against actual per model, error
// by model size, a few test curves with each model's prediction and interval).
import Foundation
import Plots
import Runs

public enum BacktestReport {
    // MARK: Tables

    static func number(_ value: Double?, _ format: String = "%.4f") -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: format, value)
    }

    /// The headline table: one row per model.
    public static func modelTable(_ result: BacktestResult) -> [[String]] {
        var rows = [
            [
                "model", "runs", "MAE", "RMSE", "rel. err", "R^2", "Spearman", "Kendall", "90% cover", "width", "int. score", "div. AUC",
                "points",
                "MAE/point",
                "fit s"
            ]
        ]
        for model in result.models {
            if model.failure != nil {
                rows.append([model.name, "0"] + Array(repeating: "-", count: 12) + [String(format: "%.1f", model.seconds)])
                continue
            }
            let f = model.finalScores, p = model.pointScores
            rows.append([
                model.name, f.map { String($0.points) } ?? "0", number(f?.meanAbsoluteError), number(f?.rootMeanSquaredError),
                number(f.map { $0.meanRelativeError * 100 }, "%.2f%%"), number(f?.rSquared), number(f?.spearman), number(f?.kendall),
                number(f?.coverage90.map { $0 * 100 }, "%.1f%%"), number(f?.medianIntervalWidth), number(f?.intervalScore),
                number(f?.divergenceAUC, "%.3f"),
                p.map { String($0.points) } ?? "0", number(p?.meanAbsoluteError), String(format: "%.1f", model.seconds)
            ])
        }
        return rows
    }

    public static func sizeTable(_ result: BacktestResult) -> [[String]] {
        let sizes = Array(Set(result.models.flatMap { $0.finalBySize.map(\.size) })).sorted()
        var rows = [["final-point MAE by N"] + sizes.map { format($0) }]
        for model in result.models where model.failure == nil {
            let bySize = Dictionary(uniqueKeysWithValues: model.finalBySize.map { ($0.size, $0.scores) })
            rows.append([model.name] + sizes.map { number(bySize[$0]?.meanAbsoluteError) })
        }
        return rows
    }

    public static func sourceTable(_ result: BacktestResult) -> [[String]] {
        let sources = Array(Set(result.models.flatMap { $0.finalBySource.map(\.source) })).sorted()
        var rows = [["final-point MAE by source"] + sources]
        for model in result.models where model.failure == nil {
            let bySource = Dictionary(uniqueKeysWithValues: model.finalBySource.map { ($0.source, $0.scores) })
            rows.append([model.name] + sources.map { number(bySource[$0]?.meanAbsoluteError) })
        }
        return rows
    }

    public static func rankingTable(_ ranking: RankingResult) -> [[String]] {
        var rows = [["method", "groups", "mean regret", "mean regret %", "median regret %", "top-3 hit", "Spearman in group", "note"]]
        for row in ranking.rows {
            rows.append([
                row.method, String(row.groups), number(row.meanRegret), number(row.meanRegretPercent, "%.3f%%"),
                number(row.medianRegretPercent, "%.3f%%"), number(row.top3HitRate.map { $0 * 100 }, "%.0f%%"),
                number(row.meanSpearman, "%.3f"), row.note ?? ""
            ])
        }
        return rows
    }

    /// Columns padded to their widest cell.
    /// One row per (test run, model) at the run's final point: the run's identity, N, D, peak
    /// learning rate and batch size in tokens, whether it diverged, the actual loss and the
    /// model's prediction with its 90% interval and divergence probability (empty where the
    /// model gives none).
    /// A row per (test run, model) at the run's final point, or at every scored point with
    /// `everyPoint`; the step, tokens seen and whether the point is the final one close each row.
    public static func predictionsCSV(_ result: BacktestResult, everyPoint: Bool = false) -> String {
        func field(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        func quoted(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = [
            "run_id,source,name,params,tokens,lr,batch_size_tokens,diverged,model,actual,predicted,lower,upper,divergence_probability,"
                + "step,tokens_seen,is_final"
        ]
        for (runIndex, run) in result.test.enumerated() {
            let indices =
                everyPoint ? Array(result.points[runIndex].indices) : result.points[runIndex].lastIndex(where: \.isFinal).map { [$0] } ?? []
            for pointIndex in indices {
                let point = result.points[runIndex][pointIndex]
                let logged = run.curve.indices.contains(point.index) ? run.curve[point.index] : nil
                for model in result.models {
                    let prediction = model.predictions[runIndex][pointIndex]
                    lines.append(
                        [
                            quoted(run.id), quoted(run.source), quoted(run.name), field(run.params), field(run.tokens),
                            field(run.number(ConfigKey.lr)), field(run.number(ConfigKey.batchSizeTokens)),
                            run.status == .diverged ? "1" : "0", model.name, field(point.actual), field(prediction?.loss),
                            field(prediction?.lower), field(prediction?.upper), field(prediction?.divergenceProbability),
                            field(logged?.step), field(logged?.tokens), point.isFinal ? "1" : "0"
                        ].joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func text(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    static func markdown(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        lines += rows.dropFirst().map { "| " + $0.map { $0.replacingOccurrences(of: "|", with: "/") }.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }

    /// Text made safe inside an HTML element or a quoted attribute: run and source names,
    /// titles and commands are the user's, and may hold any character.
    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func html(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        return "<table>\n<tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr>\n"
            + rows.dropFirst().map { "<tr>" + $0.map { "<td>\(escapeHTML($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
            + "\n</table>"
    }

    // MARK: Figures

    /// The SVG figures: (file name, caption, SVG).
    public static func figures(_ result: BacktestResult, title: String) -> [(file: String, caption: String, svg: String)] {
        var figures: [(String, String, String)] = []
        for model in result.models where model.failure == nil {
            var healthy: [(x: Double, y: Double)] = [], diverged: [(x: Double, y: Double)] = []
            for (runIndex, run) in result.test.enumerated() {
                for (point, prediction) in zip(result.points[runIndex], model.predictions[runIndex]) where point.isFinal {
                    guard let prediction else { continue }
                    if run.status == .diverged {
                        diverged.append((point.actual, prediction.loss))
                    } else {
                        healthy.append((point.actual, prediction.loss))
                    }
                }
            }
            guard !healthy.isEmpty else { continue }
            let values = healthy.flatMap { [$0.x, $0.y] }
            var plot = LinePlot(title: "\(title): \(model.name), final loss", xLabel: "actual loss", yLabel: "predicted loss")
            plot.series.append(.init(name: "test runs", points: healthy, style: .markers))
            plot.series.append(
                .init(name: "predicted = actual", points: [(values.min()!, values.min()!), (values.max()!, values.max()!)], style: .dashed))
            figures.append(
                (
                    "predicted-vs-actual-\(model.name).svg",
                    "Predicted against actual final loss, \(model.name) (runs that did not diverge)", plot.svg()
                ))
        }
        let fitted = result.models.filter { $0.failure == nil && !$0.finalBySize.isEmpty }
        if !fitted.isEmpty {
            var plot = LinePlot(title: "\(title): error by model size", xLabel: "parameters N", yLabel: "final-point MAE")
            plot.logX = true
            for model in fitted {
                // One size is a point, not a line: draw it as a marker.
                plot.series.append(
                    .init(
                        name: model.name, points: model.finalBySize.map { ($0.size, $0.scores.meanAbsoluteError) },
                        style: model.finalBySize.count == 1 ? .markers : .line))
            }
            figures.append(("error-by-size.svg", "Final-point mean absolute error by model size", plot.svg()))
        }
        // A few test curves (the runs with the most scored points), each model's prediction and interval.
        let curves = result.test.indices.filter { result.points[$0].count >= 5 && result.test[$0].status != .diverged }
            .sorted { result.points[$0].count > result.points[$1].count }.prefix(3)
        for runIndex in curves {
            let run = result.test[runIndex]
            let x: (TestPoint) -> Double = { run.curve[$0.index].tokens ?? run.curve[$0.index].step ?? Double($0.index) }
            var plot = LinePlot(
                title: "\(run.source) \(run.name)", xLabel: run.curve.first?.tokens != nil ? "tokens" : "step", yLabel: "loss")
            plot.series.append(.init(name: "actual", points: result.points[runIndex].map { (x($0), $0.actual) }, style: .markers))
            for model in result.models where model.failure == nil {
                let pairs = zip(result.points[runIndex], model.predictions[runIndex]).compactMap { point, prediction in
                    prediction.map { (point, $0) }
                }
                guard !pairs.isEmpty else { continue }
                let band = pairs.compactMap { point, prediction in
                    prediction.lower.flatMap { lower in prediction.upper.map { (x(point), lower, $0) } }
                }
                plot.series.append(
                    .init(name: model.name + (band.isEmpty ? "" : " (90%)"), points: pairs.map { (x($0.0), $0.1.loss) }, band: band))
            }
            figures.append(
                (
                    "curve-\(figures.count).svg",
                    "Test run \(run.name) (\(format(run.params ?? 0))): actual points and each model's prediction", plot.svg()
                ))
        }
        return figures
    }

    // MARK: Writing

    /// Writes REPORT.md, index.html and the SVG figures into `folder`; returns the files written.
    @discardableResult
    public static func write(_ result: BacktestResult, ranking: RankingResult?, title: String, command: String, to folder: String) throws
        -> [String]
    {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let figures = figures(result, title: title)
        var written: [String] = []
        for figure in figures {
            let path = folder + "/" + figure.file
            try figure.svg.write(toFile: path, atomically: true, encoding: .utf8)
            written.append(path)
        }
        let tables: [(String, [[String]])] =
            [("Scores", modelTable(result)), ("By model size", sizeTable(result)), ("By source", sourceTable(result))]
            + (ranking.map { [("Hyperparameter ranking (\($0.groups) (N, D) groups, \($0.runs) runs)", rankingTable($0))] } ?? [])
        let notes =
            result.models.compactMap { model in model.failure.map { "- \(model.name): not fitted: \($0)." } }
            + result.models.compactMap { model in model.limitation.map { "- \(model.name): \($0)." } }
        var markdown = "# \(title)\n\n`\(command)`\n\n\(result.split); \(result.trainRuns) training runs, \(result.test.count) test runs.\n"
        markdown += "Regression metrics on the test runs that did not diverge; divergence AUC on all.\n\n"
        for (heading, rows) in tables { markdown += "## \(heading)\n\n\(self.markdown(rows))\n\n" }
        if !notes.isEmpty { markdown += "## What each model can do\n\n" + notes.joined(separator: "\n") + "\n\n" }
        markdown += "## Figures\n\n" + figures.map { "![\($0.caption)](\($0.file))\n\n*\($0.caption)*\n" }.joined(separator: "\n")
        try markdown.write(toFile: folder + "/REPORT.md", atomically: true, encoding: .utf8)
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(escapeHTML(title))</title>\n"
        page +=
            "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;margin:1em 0}"
        page +=
            "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}figure{margin:1.5em 0}</style></head><body>\n"
        page +=
            "<h1>\(escapeHTML(title))</h1>\n<p><code>\(escapeHTML(command))</code></p>\n"
            + "<p>\(escapeHTML(result.split)); \(result.trainRuns) training runs, \(result.test.count) test runs.</p>\n"
        for (heading, rows) in tables { page += "<h2>\(escapeHTML(heading))</h2>\n\(html(rows))\n" }
        page +=
            "<h2>Figures</h2>\n"
            + figures.map { figure in
                let caption = escapeHTML(figure.caption)
                return "<figure><img src=\"\(escapeHTML(figure.file))\" alt=\"\(caption)\"><figcaption>\(caption)</figcaption></figure>"
            }
            .joined(separator: "\n")
        // Marks the page with how many figures loaded, for the headless-browser check in Tools/eval.
        page += "\n<script>window.addEventListener('load', () => { const images = [...document.images];"
        page +=
            " document.body.dataset.figures = images.length; document.body.dataset.figuresLoaded = images.filter(i => i.complete && i.naturalWidth > 0).length; });</script>"
        page += "\n</body></html>\n"
        try page.write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        return written + [folder + "/REPORT.md", folder + "/index.html"]
    }
}
