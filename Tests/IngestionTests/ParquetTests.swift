// Parquet tables read through a mapping as the same table in CSV reads: files pandas and
// pyarrow wrote (Tools/fixtures/parquet.py) with each codec (Snappy, GZIP, ZSTD, none),
// dictionary and plain pages, data pages v1 and v2, delta-packed integers, several row
// groups, nulls, a nested struct; and the refusals, each naming the file and column.
import Foundation
import Importers
import Parquet
import Randomness
import Runs
import TestSupport
import XCTest

final class ParquetTests: XCTestCase {
    let fixtures = repositoryRoot + "/Tests/Fixtures/parquet/"
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "parquet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func mapping(lr: String = "lr") throws -> Mapping {
        let path = folder + "/mapping.yaml"
        let text = """
            run: run
            step: step
            tokens: tokens
            lr: \(lr)
            losses: [train_loss, val_loss, loss32]
            target: train_loss
            config:
              params: params
              optimizer: optimizer
              tied: tied
            """
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return try Mapping(path: path)
    }

    func read(_ path: String, mapping: Mapping, format: String? = nil) throws -> [Run] {
        let sink = CollectingSink()
        for plan in try Detection.plan(paths: [path], format: format, mapping: mapping, source: "fixture", target: nil) {
            try plan.read(into: sink, progress: nil)
        }
        return sink.runs
    }

    func testEveryWriterChoiceReadsAsTheCSV() throws {
        let mapping = try mapping()
        let expected = try read(fixtures + "runs.csv", mapping: mapping)
        // Row counts from the CSV file itself: 4 runs of 75 points.
        let lines = try String(contentsOfFile: fixtures + "runs.csv", encoding: .utf8).split(separator: "\n").count
        XCTAssertEqual(expected.map(\.curve.count).reduce(0, +), lines - 1)
        XCTAssertEqual(expected.count, 4)
        for name in ["runs.parquet", "runs-gzip-v2.parquet", "runs-zstd-plain.parquet", "runs-delta-groups.parquet"] {
            let runs = try read(fixtures + name, mapping: mapping)
            XCTAssertEqual(runs.map(\.name), expected.map(\.name), name)
            XCTAssertEqual(runs.map(\.configuration), expected.map(\.configuration), name)
            // Float32 losses print as Float32 (shortest form), as pandas printed them.
            XCTAssertEqual(runs.map(\.curve), expected.map(\.curve), name)
            XCTAssertEqual(runs.map(\.provenance.line), [1, 76, 151, 226], "\(name): a run's first row, counted from 1")
        }
        // Nulls: val_loss is logged every third step only.
        let first = try XCTUnwrap(expected.first)
        XCTAssertEqual(first.curve.filter { $0.losses["val_loss"] != nil }.count, 25)
    }

    func testANestedStructReadsAsDottedColumns() throws {
        let file = try ParquetFile(path: fixtures + "runs-nested.parquet")
        XCTAssertTrue(file.columns.map(\.name).contains("optimizer_config.lr"), "\(file.columns.map(\.name))")
        XCTAssertTrue(file.columns.map(\.name).contains("optimizer_config.weight_decay"))
        let expected = try read(fixtures + "runs.csv", mapping: try mapping())
        let runs = try read(fixtures + "runs-nested.parquet", mapping: try mapping(lr: "optimizer_config.lr"))
        XCTAssertEqual(runs.map(\.curve), expected.map(\.curve))
    }

    func testWhatCannotBeReadIsNamed() throws {
        let mapping = try mapping()
        XCTAssertThrowsError(try read(fixtures + "runs-lz4.parquet", mapping: mapping)) { error in
            XCTAssertTrue("\(error)".contains("runs-lz4.parquet") && "\(error)".contains("LZ4"), "\(error)")
        }
        XCTAssertThrowsError(try read(fixtures + "runs-list.parquet", mapping: mapping)) { error in
            XCTAssertTrue("\(error)".contains("'history'") && "\(error)".contains("lists"), "\(error)")
        }
        // Truncated anywhere: the footer is gone, or a column chunk is cut; never a crash.
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixtures + "runs.parquet"))
        for keep in [0, 3, 8, 100, whole.count / 2, whole.count - 9, whole.count - 1] {
            let path = folder + "/cut-\(keep).parquet"
            _ = FileManager.default.createFile(atPath: path, contents: whole.prefix(keep))
            XCTAssertThrowsError(try read(path, mapping: mapping), "kept \(keep) bytes") { error in
                XCTAssertTrue("\(error)".contains("cut-\(keep).parquet"), "\(error)")
            }
        }
        // Bytes changed in the pages or in the footer: an error naming the file, or values
        // read, but never a crash or a runaway allocation. 400 seeded corruptions.
        var generator = SeededGenerator(seed: 11)
        let footerStart = whole.count - 8 - (Int(whole[whole.count - 8]) | Int(whole[whole.count - 7]) << 8)
        var refused = 0
        for trial in 0..<400 {
            var damaged = whole
            let region = trial % 2 == 0 ? 4..<footerStart : footerStart..<whole.count - 8
            for _ in 0..<3 {
                damaged[Int.random(in: region, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let path = folder + "/flipped.parquet"
            _ = FileManager.default.createFile(atPath: path, contents: damaged)
            do { _ = try read(path, mapping: mapping) } catch {
                refused += 1
                XCTAssertTrue("\(error)".contains("flipped.parquet"), "trial \(trial): \(error)")
            }
        }
        XCTAssertGreaterThan(refused, 0, "no corruption was noticed: the test checked nothing")
        // A CSV read of a Parquet file says which format to use.
        XCTAssertThrowsError(try read(fixtures + "runs.parquet", mapping: mapping, format: "csv")) { error in
            XCTAssertTrue("\(error)".contains("--format parquet"), "\(error)")
        }
    }
}
