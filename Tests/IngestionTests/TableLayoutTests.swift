// Tables of runs in the layouts users bring (issue 23): JSON lines read through a mapping,
// a run named by several columns, one run per row, several runs in one W&B export, and
// the errors that point at the line where a file stops being one run.
import Foundation
import Importers
import Runs
import XCTest

final class TableLayoutTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tables-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func write(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Every run the files give, read as `losscast ingest` plans them.
    func read(_ path: String, format: String? = nil, mapping: Mapping? = nil) throws -> [Run] {
        let sink = CollectingSink()
        for plan in try Detection.plan(paths: [path], format: format, mapping: mapping, source: nil, target: nil) {
            try plan.importer.importFile(plan.path, source: plan.source, into: sink, progress: nil)
        }
        return sink.runs
    }

    func testAMappingReadsJSONLinesAsItReadsCSV() throws {
        // Two runs, nested sections flattened to dotted columns, a key only some lines have.
        let lines = [
            #"{"run_id": "alpha", "step": 100, "loss": 3.5, "optimizer": {"learning_rate": 0.003}, "model": {"params": 124}}"#,
            #"{"run_id": "alpha", "step": 200, "loss": 3.1, "optimizer": {"learning_rate": 0.003}, "model": {"params": 124}, "eval": null}"#,
            #"{"run_id": "alpha", "step": 300, "loss": 2.9, "optimizer": {"learning_rate": 0.003}, "model": {"params": 124}}"#,
            #"{"run_id": "beta", "step": 100, "loss": 3.4, "optimizer": {"learning_rate": 0.006}, "model": {"params": 350}}"#,
            "",
            #"{"run_id": "beta", "step": 200, "loss": 2.95, "optimizer": {"learning_rate": 0.006}, "model": {"params": 350}, "tokens": 4e8}"#
        ]
        let table = write("runs.jsonl", lines.joined(separator: "\n") + "\n")
        let mapping = try Mapping(
            path: write(
                "map.yaml",
                """
                run: run_id
                step: step
                tokens: tokens
                losses: [loss]
                config:
                  params: {column: model.params, unit: M}
                  lr: optimizer.learning_rate
                """))
        let runs = try read(table, mapping: mapping)
        XCTAssertEqual(runs.map(\.name), ["alpha", "beta"])
        XCTAssertEqual(runs.map(\.curve.count), [3, 2])  // lines per run in the fixture
        XCTAssertEqual(runs[1].params, 350e6)
        XCTAssertEqual(runs[0].number(ConfigKey.lr), 0.003)
        XCTAssertEqual(runs[1].curve.last?.tokens, 4e8)
        XCTAssertEqual(runs[1].finalLoss, 2.95)
        XCTAssertEqual(runs[0].provenance.line, 1)
        XCTAssertEqual(runs[1].provenance.line, 4)
        XCTAssertEqual(runs[0].provenance.importer, "jsonl")

        // --format chooses the reader whatever the extension; the same table as CSV is the same runs.
        let renamed = write("runs.txt", lines.joined(separator: "\n"))
        XCTAssertEqual(try read(renamed, format: "jsonl", mapping: mapping).map(\.curve.count), [3, 2])
        let csv = write(
            "runs.csv",
            """
            run_id,step,loss,optimizer.learning_rate,model.params,tokens
            alpha,100,3.5,0.003,124,
            alpha,200,3.1,0.003,124,
            alpha,300,2.9,0.003,124,
            beta,100,3.4,0.006,350,
            beta,200,2.95,0.006,350,4e8
            """)
        let fromCSV = try read(csv, mapping: mapping)
        XCTAssertEqual(fromCSV.map(\.curve), runs.map(\.curve))
        XCTAssertEqual(fromCSV.map(\.configuration), runs.map(\.configuration))

        // JSON lines read as CSV is refused at line 1 with the format to use.
        XCTAssertThrowsError(try read(table, format: "csv", mapping: mapping)) { error in
            XCTAssertTrue("\(error)".contains("runs.jsonl:1") && "\(error)".contains("--format jsonl"), "\(error)")
        }
        // Without a mapping a .jsonl is still a W&B history, and --format jsonl asks for one.
        XCTAssertThrowsError(try read(table, format: "jsonl")) { XCTAssertTrue("\($0)".contains("--mapping"), "\($0)") }
        // A file named .parquet that is not one is refused as such (ParquetTests reads real ones).
        let parquet = write("runs.parquet", "PAR1")
        XCTAssertThrowsError(try read(parquet, mapping: mapping)) { error in
            XCTAssertTrue("\(error)".contains("runs.parquet") && "\(error)".contains("Parquet file"), "\(error)")
        }
    }

    func testARunNamedBySeveralColumnsAndOneRunPerRow() throws {
        let csv = write(
            "sweep.csv",
            """
            model,lr,step,loss
            small,0.001,10,4.0
            small,0.001,20,3.6
            small,0.002,10,3.9
            small,0.002,20,3.5
            large,0.001,10,3.7
            large,0.001,20,3.2
            """)
        let composite = try Mapping(path: write("composite.yaml", "run: [model, lr]\nstep: step\nlosses: [loss]\n"))
        let runs = try read(csv, mapping: composite)
        XCTAssertEqual(runs.map(\.name), ["small/0.001", "small/0.002", "large/0.001"])
        XCTAssertEqual(runs.map(\.curve.count), [2, 2, 2])

        // The one-column key does not tell the small runs apart: refused where step 10 follows
        // step 20 (line 4), not at the run's first line.
        let partial = try Mapping(path: write("partial.yaml", "run: model\nstep: step\nlosses: [loss]\n"))
        XCTAssertThrowsError(try read(csv, mapping: partial)) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("sweep.csv:4") && text.contains("step 10 follows step 20 (line 3)") && text.contains("run: [model"), text)
        }
        // No key at all: the same line, and the ways to name the runs.
        let none = try Mapping(path: write("none.yaml", "step: step\nlosses: [loss]\n"))
        XCTAssertThrowsError(try read(csv, mapping: none)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("sweep.csv:4") && text.contains("each_row_is_a_run"), text)
        }

        // A table of final losses: every row a run, named by the key columns when given.
        let finals = write(
            "finals.csv", "model,lr,loss,tokens\nsmall,0.001,3.6,1e9\nsmall,0.002,3.5,1e9\nlarge,0.001,3.2,2e9\nlarge,0.001,3.25,2e9\n")
        let perRow = try Mapping(path: write("rows.yaml", "each_row_is_a_run: true\nlosses: [loss]\nconfig: {tokens: tokens}\n"))
        let rows = try read(finals, mapping: perRow)
        XCTAssertEqual(rows.count, 4)  // data rows in the file
        XCTAssertEqual(rows.map(\.finalLoss), [3.6, 3.5, 3.2, 3.25])
        XCTAssertEqual(Set(rows.map(\.name)).count, 4)
        let named = try Mapping(path: write("named.yaml", "each_row_is_a_run: true\nrun: [model, lr]\nlosses: [loss]\n"))
        XCTAssertEqual(try read(finals, mapping: named).map(\.name), ["small/0.001", "small/0.002", "large/0.001", "large/0.001"])
        XCTAssertThrowsError(try Mapping(path: write("bad.yaml", "run: {column: model}\n"))) { error in
            XCTAssertTrue("\(error)".contains("run") && "\(error)".contains("[COLUMN"), "\(error)")
        }
    }

    func testAWandbExportOfSeveralRunsSplitsByItsRunColumn() throws {
        let export = write(
            "export.jsonl",
            """
            {"run_id": "r1", "_step": 0, "train/loss": 9.0, "lr": 0.0}
            {"run_id": "r1", "_step": 100, "train/loss": 4.0, "lr": 0.001}
            {"run_id": "r1", "_step": 200, "train/loss": 3.5, "lr": 0.001}
            {"run_id": "r2", "_step": 0, "train/loss": 9.1, "lr": 0.0}
            {"run_id": "r2", "_step": 100, "train/loss": 4.2, "lr": 0.002}
            """)
        let runs = try read(export)
        XCTAssertEqual(runs.map(\.name), ["r1", "r2"])
        XCTAssertEqual(runs.map(\.curve.count), [3, 2])
        XCTAssertEqual(runs[1].provenance.line, 4)
        // The same lines without the run column: refused at line 4, where _step falls back.
        let merged = write(
            "merged.jsonl",
            """
            {"_step": 0, "train/loss": 9.0}
            {"_step": 100, "train/loss": 4.0}
            {"_step": 200, "train/loss": 3.5}
            {"_step": 0, "train/loss": 9.1}
            """)
        XCTAssertThrowsError(try read(merged)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("merged.jsonl:4") && text.contains("several runs") && text.contains("run_id"), text)
        }
        // A run that comes back after another is refused at its return.
        let interleaved = write(
            "interleaved.jsonl",
            """
            {"run_id": "r1", "_step": 0, "train/loss": 9.0}
            {"run_id": "r2", "_step": 0, "train/loss": 9.1}
            {"run_id": "r1", "_step": 100, "train/loss": 4.0}
            """)
        XCTAssertThrowsError(try read(interleaved)) {
            XCTAssertTrue("\($0)".contains("interleaved.jsonl:3") && "\($0)".contains("'r1'"), "\($0)")
        }
    }
}
