// The fast paths of a large ingest give what the slow ones gave: simple decimals parsed
// without strtod, the file hash over raw memory, runs read on a second thread and written
// in batches of points with their losses' JSON written by hand.
import Foundation
import GRDB
import Importers
import Randomness
import XCTest

@testable import RunStore
@testable import Runs

final class FastIngestTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "fast-ingest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func write(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Every form the fast path takes gives strtod's double bit for bit (`Double(String)` is
    /// strtod); the forms it leaves (too many digits, large exponents, hex, inf, spaces) fall back.
    func testSimpleDecimalsAreStrtodsDoubles() {
        var generator = SeededGenerator(seed: 7)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in "0123456789".randomElement(using: &generator)! }) }
        var taken = 0
        for _ in 0..<200_000 {
            var text = ["", "-", "+"].randomElement(using: &generator)!
            text += digits(Int.random(in: 0...12, using: &generator))
            if Bool.random(using: &generator) { text += "." + digits(Int.random(in: 0...12, using: &generator)) }
            if Int.random(in: 0..<3, using: &generator) == 0 {
                text += ["e", "E"].randomElement(using: &generator)! + ["", "-", "+"].randomElement(using: &generator)!
                text += String(Int.random(in: 0...40, using: &generator))
            }
            let expected = Double(text)
            guard let fast = DecimalParsing.simple(text) else { continue }
            taken += 1
            XCTAssertEqual(fast.bitPattern, expected?.bitPattern, "'\(text)'")
            if expected == nil { XCTFail("'\(text)' is no number to strtod, but the fast path read \(fast)") }
        }
        XCTAssertGreaterThan(taken, 100_000, "the fast path took too few of the generated numbers to test it")
        for text in ["2.61234", "524288000", "0.000299", "1.5e+08", "-0", "3e-4", "0.1", "9007199254740992"] {
            XCTAssertEqual(DecimalParsing.simple(text)?.bitPattern, Double(text)?.bitPattern, "'\(text)' takes the fast path")
        }
        for text in [
            "1e400", "12345678901234567890123", "9007199254740993", "0x1p3", "inf", "nan", " 1", "1 ", "", ".", "-", "1e", "e5", "1.2.3"
        ] {
            XCTAssertNil(DecimalParsing.simple(text), "'\(text)' is left to strtod")
        }
        // A value that needs the slow path is still read right through the one entry point.
        XCTAssertEqual(try Validation.optionalNumber("9007199254740993", file: "f", line: 1, field: "x"), 9_007_199_254_740_992)
        XCTAssertEqual(try Validation.optionalNumber(" 2.5 ", file: "f", line: 1, field: "x"), 2.5)
    }

    /// The raw-memory hash is FNV-1a as published, and the same as the generic form on any bytes.
    func testRawBytesHashAsTheGenericForm() {
        var published = ContentHash()
        Array("foobar".utf8).withUnsafeBytes { published.addBytes($0) }
        XCTAssertEqual(published.first, 0x8594_4171_f739_67e8)
        var generator = SeededGenerator(seed: 3)
        let bytes = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var raw = ContentHash(), generic = ContentHash()
        bytes.withUnsafeBytes { raw.addBytes($0) }
        generic.addBytes(bytes.lazy.map { $0 })
        XCTAssertEqual(raw.hexDigest, generic.hexDigest)
    }

    /// A table of many runs (more than wait between the threads) whose points span several
    /// batches: the store holds exactly what an in-memory read of the file gives, point by
    /// point, and each point's losses text is the JSON of its losses.
    func testManyRunsStoredAsReadInMemory() throws {
        let runs = 23, steps = 2 * StoreSink.pointBatch + 5
        var text = "run,step,train_loss,\"val\"\"loss\"\n"  // a loss name that JSON must escape
        for run in 0..<runs {
            for step in 1...steps {
                text += "r\(run),\(step),\(2.5 + 1 / Double(step + run)),\(step % 9 == 0 ? "" : "\(2.6 + 0.001 * Double(step))")\n"
            }
        }
        let path = write("many.csv", text)
        let mapping = try Mapping(path: write("many.yaml", "run: run\nstep: step\nlosses: [train_loss, 'val\"loss']\ntarget: train_loss\n"))
        let plan = try XCTUnwrap(try Detection.plan(paths: [path], format: nil, mapping: mapping, source: nil, target: nil).first)
        let memory = CollectingSink()
        try plan.read(into: memory, progress: nil)
        let store = try RunStore(path: folder + "/s.sqlite")
        let report = try store.ingest(plan)
        XCTAssertEqual(report.added, runs)
        let stored = try store.runs().sorted { $0.name < $1.name }
        let read = memory.runs.sorted { $0.name < $1.name }
        XCTAssertEqual(stored.map(\.id), read.map(\.id))
        XCTAssertEqual(stored.map(\.curve), read.map(\.curve))
        XCTAssertEqual(stored.map(\.curve.count).reduce(0, +), text.split(separator: "\n").count - 1)
        let texts = try store.database.read { try String.fetchAll($0, sql: "SELECT losses FROM point ORDER BY run_key, position") }
        XCTAssertEqual(texts.count, runs * steps)
        for (text, point) in zip(texts, memory.runs.flatMap(\.curve)) {  // both in the file's order
            // JSONDecoder reads doubles exactly (Linux Foundation's JSONSerialization does not).
            XCTAssertEqual(try JSONDecoder().decode([String: Double].self, from: Data(text.utf8)), point.losses, text)
        }
    }

    /// An error on either thread stops both and stores nothing of the file: a bad loss late in
    /// the file (the reading thread's), and an insert SQLite refuses (the writing thread's).
    func testAnErrorOnEitherThreadStoresNothing() throws {
        var text = "run,step,loss\n"
        for run in 0..<30 { for step in 1...40 { text += "r\(run),\(step),\(run == 27 && step == 12 ? "NaN" : "3.0")\n" } }
        let mapping = try Mapping(path: write("m.yaml", "run: run\nstep: step\nlosses: [loss]\n"))
        let store = try RunStore(path: folder + "/s.sqlite")
        _ = try store.ingest(
            try XCTUnwrap(
                try Detection.plan(
                    paths: [write("good.csv", "run,step,loss\ng,1,3.0\ng,2,2.9\n")], format: nil, mapping: mapping, source: nil, target: nil
                )
                .first))
        let before = try store.contentFingerprint()
        let bad = write("late.csv", text)
        let plan = try XCTUnwrap(try Detection.plan(paths: [bad], format: nil, mapping: mapping, source: nil, target: nil).first)
        XCTAssertThrowsError(try store.ingest(plan)) { XCTAssertTrue("\($0)".contains("late.csv:\(1 + 27 * 40 + 12)"), "\($0)") }
        XCTAssertEqual(try store.contentFingerprint(), before)

        let fine = write("fine.csv", text.replacingOccurrences(of: "NaN", with: "2.5"))
        try store.database.write {
            try $0.execute(
                sql: "CREATE TRIGGER refuse AFTER INSERT ON run WHEN NEW.name = 'r20' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
        }
        let refused = try XCTUnwrap(try Detection.plan(paths: [fine], format: nil, mapping: mapping, source: nil, target: nil).first)
        XCTAssertThrowsError(try store.ingest(refused)) { XCTAssertTrue("\($0)".contains("refused by the test"), "\($0)") }
        XCTAssertEqual(try store.contentFingerprint(), before)
    }
}
