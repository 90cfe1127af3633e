// The store: divergence marking against a rule written here, queries, re-ingest, refused
// files leaving the store unchanged, and a process killed mid-ingest.
import Foundation
import Importers
import RunStore
import Runs
import TestSupport
import XCTest

final class StoreTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    func plan(_ path: String, format: String? = nil, mapping: Mapping? = nil) throws -> PlannedImport {
        try XCTUnwrap(try Detection.plan(paths: [path], format: format, mapping: mapping, source: nil, target: nil).first)
    }

    func write(_ name: String, _ text: String) -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// StepLaw dense: the diverged count against the rule, implemented here from the CSV:
    /// smoothed final loss above 1.25 times the best of its (N, D) group of 3 or more.
    func testStepLawDivergenceAgainstIndependentRule() throws {
        let path = datasetsRoot + "/steplaw/dense_lr_bs_loss.csv"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no datasets") }
        var groups: [String: [Double]] = [:]
        var rows: [(String, Double)] = []
        for line in try dataLines(path) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let key = fields[11] + "/" + fields[10]  // N / D
            let loss = Double(fields[8])!  // smooth loss
            groups[key, default: []].append(loss)
            rows.append((key, loss))
        }
        let expected = rows.filter { key, loss in groups[key]!.count >= 3 && loss > 1.25 * groups[key]!.min()! }.count
        let store = try RunStore(path: folder + "/s.sqlite")
        _ = try store.ingest(try plan(path))
        var query = RunQuery()
        query.sources = ["steplaw-dense"]
        query.statuses = [.diverged]
        XCTAssertEqual(try store.count(query), expected)
        let fraction = Double(expected) / 1911
        XCTAssertTrue((0.08...0.10).contains(fraction), "about 9% diverged, the datasets README says; got \(fraction)")
    }

    func testQueriesAndReingest() throws {
        let path = datasetsRoot + "/steplaw/dense_lr_bs_loss.csv"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("no datasets") }
        let store = try RunStore(path: folder + "/s.sqlite")
        XCTAssertEqual(try store.appliedMigrations(), ["v1: runs, configuration, points, files, resources"])
        let first = try store.ingest(try plan(path))
        XCTAssertEqual(first.added, 1911)
        let again = try store.ingest(try plan(path))
        XCTAssertTrue(again.alreadyIngested)
        XCTAssertEqual(try store.count(), 1911)
        // The same runs from a copy of the file under another name are duplicates.
        let copy = folder + "/steplaw/dense_lr_bs_loss.csv"
        try FileManager.default.createDirectory(atPath: folder + "/steplaw", withIntermediateDirectories: true)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text += "\n"  // different bytes, same runs
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        let duplicate = try store.ingest(try plan(copy))
        XCTAssertEqual(duplicate.added, 0)
        XCTAssertEqual(duplicate.duplicates, 1911)
        // Queries, against counts computed from the CSV.
        let lines = try dataLines(path).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var byRange = RunQuery()
        byRange.params = 2e8...3e8
        XCTAssertEqual(try store.count(byRange), lines.filter { (2e8...3e8).contains(Double($0[11])!) }.count)
        var byField = RunQuery()
        byField.conditions = [try FieldCondition.parse("lr<=0.001"), try FieldCondition.parse("n_heads=15")]  // numh, canonical
        XCTAssertEqual(try store.count(byField), lines.filter { Double($0[4])! <= 0.001 && $0[2] == "15" }.count)
        let one = try XCTUnwrap(try store.runs(byField).first)
        XCTAssertEqual(try store.run(id: String(one.id.prefix(10)))?.configuration, one.configuration)
    }

    /// Each kind of bad input: a clear error naming where, and the store exactly as before.
    func testMalformedInputLeavesTheStoreUnchanged() throws {
        let store = try RunStore(path: folder + "/s.sqlite")
        let mappingPath = write("mapping.yaml", "run: run\nstep: step\nlr: lr\nlosses: [loss]\nconfig:\n  params: {column: n, unit: M}\n")
        let mapping = try Mapping(path: mappingPath)
        _ = try store.ingest(try plan(write("good.csv", "run,step,lr,loss,n\na,1,0.001,3.0,10\na,2,0.001,2.9,10\n"), mapping: mapping))
        let before = try store.contentFingerprint()
        let cases: [(name: String, text: String, expect: [String])] = [
            ("truncated.csv", "run,step,lr,loss,n\nb,1,0.001,3.0,10\nb,2,0.0", ["truncated.csv:3", "fields"]),
            ("quote.csv", "run,step,lr,loss,n\nb,1,0.001,3.0,10\n\"b,2", ["quote.csv:3", "never closed"]),
            ("types.csv", "run,step,lr,loss,n\nb,1,0.001,abc,10\n", ["types.csv:2", "'loss'", "not a number"]),
            ("nan.csv", "run,step,lr,loss,n\nb,1,0.001,3.0,10\nb,2,0.001,NaN,10\n", ["nan.csv:3", "'loss'", "nan"]),
            (
                "backwards.csv", "run,step,lr,loss,n\nb,2,0.001,3.0,10\nb,1,0.001,2.9,10\n",
                ["backwards.csv:3", "'step'", "step 1 follows step 2"]
            ),
            // The offending row's line, not the run's first: the fourth point (line 5) goes back.
            (
                "repeat.csv", "run,step,lr,loss,n\nb,2,0.001,3.0,10\nb,3,0.001,2.9,10\nb,4,0.001,2.8,10\nb,4,0.001,2.7,10\n",
                ["repeat.csv:5", "'step'"]
            ),
            ("negative.csv", "run,step,lr,loss,n\nb,1,0.001,3.0,-5\n", ["negative.csv", "'params'", "positive"]),
            ("binary.csv", "run,step,lr,loss,n\n\u{0}\u{1}\u{2}garbage\n", ["binary.csv:2", "binary"]),
            // Impossible points: no loss is negative, zero or 1e300; no step is negative or 1e30.
            ("minus.csv", "run,step,lr,loss,n\nb,1,0.001,-3.5,10\n", ["minus.csv", "'loss'", "-3.5", "above 0"]),
            ("zero.csv", "run,step,lr,loss,n\nb,1,0.001,0,10\n", ["zero.csv", "'loss'", "above 0"]),
            ("huge.csv", "run,step,lr,loss,n\nb,1,0.001,1e300,10\n", ["huge.csv:2", "'loss'", "1e+300"]),
            ("before.csv", "run,step,lr,loss,n\nb,-4,0.001,3.0,10\nb,1,0.001,2.9,10\n", ["before.csv", "'step'", "-4"]),
            ("far.csv", "run,step,lr,loss,n\nb,1,0.001,3.0,10\nb,1e30,0.001,2.9,10\n", ["far.csv", "'step'", "1e+30"])
        ]
        for (name, text, expect) in cases {
            XCTAssertThrowsError(try store.ingest(try plan(write(name, text), mapping: mapping)), name) { error in
                let message = "\(error)".lowercased()
                for fragment in expect { XCTAssertTrue(message.contains(fragment.lowercased()), "\(name): \(error)") }
            }
            XCTAssertEqual(try store.contentFingerprint(), before, "\(name) changed the store")
        }
        // One endless line (9 MiB with no line break) is refused at its line, and a header
        // quoted in the error is cut to a readable length.
        let endless = write("endless.csv", "run,step,lr,loss,n\nb,1,0.001,3.0," + String(repeating: "9", count: 9 << 20) + "\n")
        XCTAssertThrowsError(try store.ingest(try plan(endless, mapping: mapping))) {
            XCTAssertTrue("\($0)".contains("endless.csv:2") && "\($0)".contains("longer than 8 MiB"), "\($0)")
        }
        let header = write("header.csv", String(repeating: "h", count: 1 << 20) + ",step\n1,2\n")
        XCTAssertThrowsError(try store.ingest(try plan(header, mapping: mapping))) { error in
            XCTAssertLessThan("\(error)".utf8.count, 4_000, "the message quotes at most a readable part of a 1 MiB header")
            XCTAssertTrue("\(error)".contains("header.csv"), "\(error)")
        }
        // Invalid UTF-8 bytes.
        let invalid = folder + "/utf8.csv"
        FileManager.default.createFile(
            atPath: invalid, contents: Data("run,step,lr,loss,n\nb,1,0.001,".utf8) + Data([0xFF, 0xFE]) + Data(",10\n".utf8))
        XCTAssertThrowsError(try store.ingest(try plan(invalid, mapping: mapping))) { XCTAssertTrue("\($0)".contains("UTF-8"), "\($0)") }
        // A mapping that names a column the file lacks, unknown units and unknown keys.
        let missing = try Mapping(path: write("missing.yaml", "step: step\nlosses: [val_loss]\n"))
        XCTAssertThrowsError(try store.ingest(try plan(write("m.csv", "step,loss\n1,2\n"), mapping: missing))) { error in
            XCTAssertTrue("\(error)".contains("missing.yaml") && "\(error)".contains("val_loss"), "\(error)")
        }
        XCTAssertThrowsError(try Mapping(path: write("unit.yaml", "tokens: {column: t, unit: parsecs}\n"))) {
            XCTAssertTrue("\($0)".contains("unknown unit 'parsecs'"), "\($0)")
        }
        XCTAssertThrowsError(try Mapping(path: write("key.yaml", "stepp: step\n"))) {
            XCTAssertTrue("\($0)".contains("'stepp'") && "\($0)".contains("unknown key"), "\($0)")
        }
        // A "billion laughs" mapping (nine levels of anchors, 10^9 values from a few hundred
        // bytes) is refused by ConfigTree's bound instead of exhausting memory.
        var laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            laughs += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        XCTAssertThrowsError(try Mapping(path: write("laughs.yaml", laughs))) {
            XCTAssertTrue("\($0)".contains("laughs.yaml") && "\($0)".contains("100000 values"), "\($0)")
        }
        XCTAssertEqual(try store.contentFingerprint(), before)
    }

    /// Undo: runs deleted by id prefix, source and file, in one transaction; a file with nothing
    /// left is forgotten and ingests again; the same bytes under another mapping are another
    /// ingest. Counts against the rows written here.
    /// One mapping for files of one family whose column names differ: a field lists
    /// alternatives and the first the file has wins; a file with none of them is refused
    /// naming them all, and the store keeps what it had. Also the store's `run(idOrName:)`.
    func testMappingAlternativesAndRunsByName() throws {
        let store = try RunStore(path: folder + "/s.sqlite")
        let mapping = try Mapping(
            path: write(
                "family.yaml",
                """
                run: run
                step: step
                lr: [learning_rate, optimizer.learning_rate]
                losses: [loss]
                config:
                  params: [n_params, model.params]
                """))
        let first = write("first.csv", "run,step,loss,learning_rate,n_params\nrun-one,1,3.0,0.002,1e8\nrun-one,2,2.9,0.001,1e8\n")
        let second = write(
            "second.csv", "run,step,loss,optimizer.learning_rate,model.params\nrun-two,1,3.1,0.004,2e8\nrun-two,2,3.0,0.003,2e8\n")
        XCTAssertEqual(try store.ingest(try plan(first, mapping: mapping)).added, 1)
        XCTAssertEqual(try store.ingest(try plan(second, mapping: mapping)).added, 1)
        let a = try XCTUnwrap(try store.run(idOrName: "run-one")), b = try XCTUnwrap(try store.run(idOrName: "run-two"))
        XCTAssertEqual(a.params, 1e8)
        XCTAssertEqual(b.params, 2e8)
        XCTAssertEqual(a.curve.map(\.learningRate), [0.002, 0.001])
        XCTAssertEqual(b.curve.map(\.learningRate), [0.004, 0.003])
        let neither = write("third.csv", "run,step,loss,lr,n_params\nrun-three,1,3.2,0.002,1e8\n")
        XCTAssertThrowsError(try store.ingest(try plan(neither, mapping: mapping))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'learning_rate', 'optimizer.learning_rate'") && text.contains("third.csv"), text)
        }
        XCTAssertEqual(try store.count(), 2)
        XCTAssertNil(try store.run(idOrName: "run-three"))
        XCTAssertThrowsError(try Mapping(path: write("empty.yaml", "lr: []\nlosses: [loss]\n")))
    }

    func testDeleteRunsAndReingestUnderAnotherMapping() throws {
        let store = try RunStore(path: folder + "/s.sqlite")
        let csv = write("two.csv", "run,step,loss,width\na,1,3.0,64\na,2,2.9,64\nb,1,3.1,128\nb,2,3.0,128\nc,1,3.2,256\n")
        let wrong = try Mapping(path: write("wrong.yaml", "step: step\nlosses: [loss]\n"))  // no run column: one run
        XCTAssertThrowsError(try store.ingest(try plan(csv, mapping: wrong)), "one run whose step goes back") { error in
            XCTAssertTrue("\(error)".contains("two.csv:4"), "the row that goes back is on line 4: \(error)")
        }
        XCTAssertEqual(try store.count(), 0)
        let right = try Mapping(path: write("right.yaml", "run: run\nstep: step\nlosses: [loss]\nconfig:\n  d_model: width\n"))
        XCTAssertEqual(try store.ingest(try plan(csv, mapping: right)).added, 3)
        let again = try store.ingest(try plan(csv, mapping: right))
        XCTAssertTrue(again.alreadyIngested, "same bytes, same mapping")
        let renamed = try Mapping(path: write("renamed.yaml", "run: run\nstep: step\nlosses: [loss]\nconfig:\n  width: width\n"))
        let other = try store.ingest(try plan(csv, mapping: renamed))
        XCTAssertFalse(other.alreadyIngested, "another mapping is another ingest")
        XCTAssertEqual(other.added + other.duplicates, 3)
        // Preview, then delete by file: every run it added goes, and the file is forgotten.
        XCTAssertEqual(try store.summaries(RunSelection(files: [csv])).count, try store.count())
        let before = try store.count()
        let report = try store.delete(RunSelection(files: [csv]))
        XCTAssertEqual(report.runs, before)
        XCTAssertEqual(try store.count(), 0)
        XCTAssertEqual(report.files, 2, "both ingests of the file (two mappings) are forgotten")
        XCTAssertEqual(try store.ingest(try plan(csv, mapping: right)).added, 3, "a forgotten file ingests again")
        // By id prefix and by source; a prefix or source that matches nothing is an error and deletes nothing.
        let ids = try store.summaries().map(\.id).sorted()
        XCTAssertEqual(try store.delete(RunSelection(ids: [String(ids[0].prefix(12))])).runs, 1)
        XCTAssertEqual(try store.count(), 2)
        let kept = try store.contentFingerprint()
        XCTAssertThrowsError(try store.delete(RunSelection(ids: ["zzzz"]))) { XCTAssertTrue("\($0)".contains("zzzz"), "\($0)") }
        XCTAssertThrowsError(try store.delete(RunSelection(sources: ["nosuch"]))) { XCTAssertTrue("\($0)".contains("user-csv"), "\($0)") }
        XCTAssertThrowsError(try store.delete(RunSelection(files: [folder + "/other.csv"])))
        XCTAssertThrowsError(try store.delete(RunSelection()))
        XCTAssertEqual(try store.contentFingerprint(), kept)
        XCTAssertEqual(try store.delete(RunSelection(sources: ["user-csv"])).runs, 2)
        XCTAssertEqual(try store.count(), 0)
    }

    /// An ambiguous id prefix and a `--where` field no run has are errors naming them.
    func testAmbiguousPrefixAndUnknownFieldAreNamed() throws {
        let store = try RunStore(path: folder + "/s.sqlite")
        let mapping = try Mapping(path: write("m.yaml", "run: run\nstep: step\nlosses: [loss]\nconfig:\n  lr: lr\n"))
        let rows = (0..<40).map { "r\($0),1,3.0,0.001" }.joined(separator: "\n")
        XCTAssertEqual(try store.ingest(try plan(write("many.csv", "run,step,loss,lr\n" + rows + "\n"), mapping: mapping)).added, 40)
        let ids = try store.summaries().map(\.id)
        // Some one-character prefix is shared by several of 40 hexadecimal ids.
        let shared = try XCTUnwrap(Dictionary(grouping: ids, by: { String($0.prefix(1)) }).first { $0.value.count > 1 })
        XCTAssertThrowsError(try store.run(id: shared.key)) { error in
            XCTAssertTrue("\(error)".contains("\(shared.value.count) runs have ids starting with '\(shared.key)'"), "\(error)")
        }
        XCTAssertNotNil(try store.run(id: ids[0]))
        XCTAssertNil(try store.run(id: "zzzz"))
        XCTAssertNoThrow(try store.checkFields([try FieldCondition.parse("lr<=1")]))
        XCTAssertThrowsError(try store.checkFields([try FieldCondition.parse("lrr<=1")])) { error in
            XCTAssertTrue("\(error)".contains("'lrr'") && "\(error)".contains("'lr'"), "\(error)")
        }
    }

    func testWandbHistoryAndFolder() throws {
        let runFolder = folder + "/wandb/run-1"
        try FileManager.default.createDirectory(atPath: runFolder, withIntermediateDirectories: true)
        _ = write(
            "wandb/run-1/config.yaml",
            """
            wandb_version: 1
            _wandb:
              value: {cli_version: 0.16.0}
            learning_rate:
              desc: null
              value: 0.0006
            model:
              value:
                n_layer: 12
                n_embd: 768
            optimizer:
              value: adamw
            max_steps:
              value: 300
            """)
        _ = write(
            "wandb/run-1/history.jsonl",
            """
            {"_step": 0, "train/loss": 10.9, "lr": 0.0}
            {"_step": 100, "train/loss": 4.2, "lr": 0.0006, "tokens": 51200}
            {"_step": 100, "val/loss": 4.4}
            {"_step": 200, "train/loss": 3.7, "lr": 0.0003, "tokens": 102400}
            {"_step": 300, "train/loss": 3.5, "lr": 0.00006, "tokens": 153600}
            """)
        let store = try RunStore(path: folder + "/s.sqlite")
        let plans = try Detection.plan(paths: [folder + "/wandb"], format: nil, mapping: nil, source: "my-lab", target: nil)
        XCTAssertEqual(plans.count, 1)
        _ = try store.ingest(plans[0])
        let run = try XCTUnwrap(try store.runs().first)
        XCTAssertEqual(run.curve.count, 4)
        XCTAssertEqual(run.targetLoss, "train/loss")
        XCTAssertEqual(run.curve[1].losses["val/loss"], 4.4)  // merged from the same step
        XCTAssertEqual(run.curve.map(\.step), [0, 100, 200, 300])  // a logged 0 is a number, not false
        XCTAssertEqual(run.number(ConfigKey.lr), 0.0006)  // unwrapped, canonical
        XCTAssertEqual(run.number(ConfigKey.nLayers), 12)
        XCTAssertEqual(run.number(ConfigKey.dModel), 768)
        XCTAssertEqual(run.configuration[ConfigKey.optimizer], .text("adamw"))
        XCTAssertEqual(run.status, .ok)
        let nan = write("wandb/nan.jsonl", "{\"_step\": 1, \"train/loss\": NaN}\n")
        XCTAssertThrowsError(try store.ingest(try plan(nan))) {
            XCTAssertTrue("\($0)".contains("nan.jsonl:1") && "\($0)".contains("NaN"), "\($0)")
        }
    }

    func testLongLayoutAndUnits() throws {
        let mapping = try Mapping(
            path: write(
                "long.json",
                """
                {"layout": "long", "run": "run", "step": "step", "tokens": {"column": "tok", "unit": "B"},
                 "metric": "metric", "value": "value", "target": "val", "constants": {"optimizer": "adamw"},
                 "parameter_convention": "total"}
                """))
        let csv = write("long.csv", "run,step,tok,metric,value\nr,1,0.5,train,3.0\nr,1,0.5,val,3.2\nr,2,1.0,train,2.8\nr,2,1.0,val,3.0\n")
        let sink = CollectingSink()
        try MappedTableImporter(mapping: mapping).importFile(csv, source: "s", into: sink, progress: nil)
        let run = try XCTUnwrap(sink.runs.first)
        XCTAssertEqual(run.curve.count, 2)
        XCTAssertEqual(run.curve[1].tokens, 1e9)
        XCTAssertEqual(run.curve[1].losses, ["train": 2.8, "val": 3.0])
        XCTAssertEqual(run.finalLoss, 3.0)
        XCTAssertEqual(run.parameterConvention, .total)
    }

    func testRunLevelDivergenceAndTruncation() {
        let provenance = Provenance(file: "f", importer: "test")
        let blowUp = Run(
            source: "s", name: "a", configuration: [:],
            curve: [3.0, 2.5, 2.4, 7.0].enumerated().map {
                CurvePoint(step: Double($0.offset), losses: ["loss": $0.element])
            }, targetLoss: "loss", parameterConvention: .unknown, provenance: provenance)
        XCTAssertEqual(blowUp.status, .diverged)
        let short = Run(
            source: "s", name: "b", configuration: [ConfigKey.totalSteps: .number(100)],
            curve: [3.0, 2.5, 2.4].enumerated().map {
                CurvePoint(step: Double($0.offset * 10), losses: ["loss": $0.element])
            }, targetLoss: "loss", parameterConvention: .unknown, provenance: provenance)
        XCTAssertEqual(short.status, .truncated)
        let healthy = Run(
            source: "s", name: "c", configuration: [:],
            curve: [3.0, 2.5, 2.45, 2.46].enumerated().map {
                CurvePoint(step: Double($0.offset), losses: ["loss": $0.element])
            }, targetLoss: "loss", parameterConvention: .unknown, provenance: provenance)
        XCTAssertEqual(healthy.status, .ok)
    }

    /// A child process killed with SIGKILL in the middle of a large ingest leaves a sound
    /// store in which the interrupted file is absent or whole.
    func testKilledIngestLeavesStoreConsistent() throws {
        let binary = repositoryRoot + "/.build/release/losscast"
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw XCTSkip("losscast is not built in release") }
        let mapping = write("big.yaml", "run: run\nstep: step\nlosses: [loss]\n")
        var text = "run,step,loss\n"
        let runs = 1000, steps = 500
        for run in 0..<runs { for step in 1...steps { text += "r\(run),\(step),\(3.0 + 1.0 / Double(step))\n" } }
        let csv = write("big.csv", text)
        let storePath = folder + "/killed.sqlite"
        _ = try RunStore(path: storePath)  // created and migrated before the child starts
        var killedMidway = 0
        for delay in [0.2, 0.5, 1.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["ingest", csv, "--mapping", mapping, "--store", storePath]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }
            let store = try RunStore(path: storePath)
            XCTAssertEqual(try store.integrityCheck(), "ok")
            let count = try store.count()
            XCTAssertTrue(count == 0 || count == runs, "after SIGKILL at \(delay) s the store holds \(count) runs")
        }
        XCTAssertGreaterThan(killedMidway, 0, "every ingest finished before its kill: the test checked nothing")
    }
}
