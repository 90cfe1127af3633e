// Every importer on its real files in ../shared/datasets, with counts computed here from
// the files by simple means (line counts, distinct names), not by the importers' code.
import Foundation
import Importers
import RunStore
import Runs
import TestSupport
import XCTest

/// The non-blank lines of a file after its header: the rows of a CSV without quoted newlines.
func dataLines(_ path: String) throws -> [Substring] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return Array(text.split(whereSeparator: \.isNewline).dropFirst())  // "\r\n" is one Character
}

/// Imports through the collecting sink.
func collect(_ importer: Importer, _ path: String, source: String? = nil) throws -> CollectingSink {
    let sink = CollectingSink()
    try importer.importFile(path, source: source ?? importer.defaultSource, into: sink, progress: nil)
    return sink
}

final class DatasetImportTests: XCTestCase {
    let root = datasetsRoot

    override func setUpWithError() throws {
        guard FileManager.default.fileExists(atPath: root) else { throw XCTSkip("../shared/datasets is not beside the repository") }
    }

    func testStepLawDenseAndMoE() throws {
        let dense = root + "/steplaw/dense_lr_bs_loss.csv"
        let runs = try collect(StepLawImporter(moe: false), dense).runs
        XCTAssertEqual(runs.count, try dataLines(dense).count)
        XCTAssertEqual(runs.count, 1911)  // the datasets README
        let first = try XCTUnwrap(runs.first)
        XCTAssertEqual(first.number(ConfigKey.dModel), 960)
        XCTAssertEqual(first.number(ConfigKey.seqLen), 2048)  // 1e11 / (736 x 66342)
        XCTAssertEqual(first.number(ConfigKey.minLR), 1e-5)
        XCTAssertEqual(first.finalLoss!, 2.3976109618296744, accuracy: 1e-12)
        XCTAssertEqual(Set(runs.map(\.id)).count, runs.count, "run ids must be distinct")
        let moe = root + "/steplaw/moe_lr_bs_loss.csv"
        XCTAssertEqual(try collect(StepLawImporter(moe: true), moe).runs.count, try dataLines(moe).count)
    }

    func testOLMoLadder() throws {
        for folder in ["runs", "decay", "const"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: root + "/olmo_ladder/" + folder).filter { $0.hasSuffix(".csv") }
            for file in files {
                let path = root + "/olmo_ladder/\(folder)/" + file
                let run = try XCTUnwrap(try collect(OLMoLadderImporter(), path).runs.first)
                XCTAssertEqual(run.curve.count, try dataLines(path).count, path)
                XCTAssertNotNil(run.curve.last?.learningRate)
            }
            XCTAssertEqual(files.count, ["runs": 24, "decay": 20, "const": 4][folder])
        }
        let oneB = try XCTUnwrap(try collect(OLMoLadderImporter(), root + "/olmo_ladder/runs/1B-1xC.csv").runs.first)
        XCTAssertEqual(oneB.params, 1_279_395_840)  // the datasets README
        // D is what the log says, its last throughput/total_tokens, one batch past 1xC (20 N).
        let lines = try String(contentsOfFile: root + "/olmo_ladder/runs/1B-1xC.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
        let column = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "throughput/total_tokens"))
        let logged = try XCTUnwrap(Double(lines.last!.split(separator: ",", omittingEmptySubsequences: false)[column]))
        XCTAssertEqual(oneB.tokens, logged)
        XCTAssertEqual(oneB.tokens!, 20 * 1_279_395_840, accuracy: 20 * 1_279_395_840 * 0.001)
        XCTAssertEqual(oneB.provenance.assumed?[ConfigKey.tokens], nil)  // stated by the log, not assumed
    }

    func testMultiPowerLaw() throws {
        var count = 0
        for size in ["25", "100", "400"] {
            let folder = root + "/multipowerlaw/csv_\(size)"
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".csv") {
                let run = try XCTUnwrap(try collect(MultiPowerLawImporter(), folder + "/" + file).runs.first)
                XCTAssertEqual(run.curve.count, try dataLines(folder + "/" + file).count)
                XCTAssertEqual(run.number(ConfigKey.warmupSteps), 2160)
                count += 1
            }
        }
        XCTAssertEqual(count, 27)
    }

    func testGadreChinchillaAndEpoch() throws {
        let models = root + "/gadre2024/models_flat.csv"
        let names = Set(try dataLines(models).map { $0.split(separator: ",")[0] })
        let runs = try collect(GadreModelsImporter(), models).runs
        XCTAssertEqual(runs.count, names.count)
        XCTAssertEqual(runs.count, 104)
        XCTAssertTrue(runs.allSatisfy { $0.curve[0].losses["c4_val"] != nil })
        let grid = root + "/gadre2024/grid_flat.csv"
        XCTAssertEqual(try collect(GadreGridImporter(), grid).runs.count, try dataLines(grid).count)
        let chinchilla = root + "/chinchilla_epoch/svg_extracted_data.csv"
        let points = try collect(ChinchillaEpochImporter(), chinchilla).runs
        XCTAssertEqual(points.count, 245)
        let firstRow = try dataLines(chinchilla)[0].split(separator: ",")
        let (n, flop) = (Double(firstRow[3])!, Double(firstRow[4])!)
        XCTAssertEqual(points[0].tokens!, flop / (6 * n), accuracy: 1)
        let notable = try collect(EpochNotableModelsImporter(), root + "/epoch_notable_models/notable_ai_models.csv")
        XCTAssertEqual(notable.resources.count, 924)  // the datasets README
        XCTAssertTrue(notable.runs.isEmpty)
    }

    func testSLDBench() throws {
        let base = root + "/sldbench"
        let constrained = base + "/data_constrained_scaling_law/data.csv"
        let constrainedRuns = try collect(SLDBenchImporter(task: .dataConstrained), constrained).runs
        XCTAssertEqual(constrainedRuns.count, try dataLines(constrained).count)
        // Unique tokens never exceed the tokens trained on (the file's columns are swapped), and
        // the run names say which is which: 2b855b9b is 2.8B parameters, 55B tokens, 9B unique.
        XCTAssertTrue(constrainedRuns.allSatisfy { $0.number(ConfigKey.uniqueTokens)! <= $0.tokens! })
        let named = try XCTUnwrap(constrainedRuns.first { $0.name == "2b855b9b" })
        XCTAssertEqual(named.tokens, 55e9)
        XCTAssertEqual(named.number(ConfigKey.uniqueTokens), 9e9)
        XCTAssertEqual(named.number("epochs")!, 55.0 / 9, accuracy: 1e-12)
        let vocabulary = base + "/vocab_scaling_law/data.csv"
        XCTAssertEqual(try collect(SLDBenchImporter(task: .vocabulary), vocabulary).runs.count, 1200)
        XCTAssertEqual(try dataLines(vocabulary).count, 1200)
        let moe = base + "/moe_scaling_law/data.csv"
        let pairs = Set(
            try dataLines(moe).map { line -> String in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                return "\(fields[0])-\(fields[16])"  // hyper_id, seed
            })
        XCTAssertEqual(try collect(SLDBenchImporter(task: .moeCurves), moe).runs.count, pairs.count)
        let mixturePath = base + "/domain_mixture_scaling_law/all_models_data.json"
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: mixturePath))) as! [String: [String: [Any]]]
        let entries = json.values.reduce(0) { $0 + ($1["train"]?.count ?? 0) + ($1["eval"]?.count ?? 0) }
        XCTAssertEqual(try collect(SLDBenchImporter(task: .domainMixture), mixturePath).runs.count, entries)
        let learningRate = base + "/lr_scaling_law/dense_lr_bs_loss.csv"
        let sink = try collect(SLDBenchImporter(task: .learningRate), learningRate)
        let lines = try dataLines(learningRate)
        let bad = lines.filter { $0.hasPrefix(",,,,") && $0.contains(",10000000000000,") }
        XCTAssertEqual(bad.count, 117)  // the datasets README
        XCTAssertEqual(sink.rejected.count, 117)
        XCTAssertEqual(sink.runs.count, lines.count - 117)
    }
}
