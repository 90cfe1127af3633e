// Seeded mutations (TestSupport's Mutator) of valid inputs for the parsers the libFuzzer
// target cannot link: configuration YAML (ConfigTree over Yams, then the one configuration
// reader), mapping files, W&B folders (history and config.yaml) and run folders (config.json
// and losses.json), read into a CollectingSink. Each input parses or throws the module's own
// error type, naming a file; nothing crashes. LOSSCAST_MUTATIONS=N runs N per parser.
import ConfigTree
import Foundation
import Importers
import Runs
import TestSupport
import XCTest

final class ParserMutationTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "mutations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Throws a test failure for an error that is not one of `allowed`.
    func expectOwnError(_ what: String, _ input: Data, _ body: () throws -> Void, allowed: (Error) -> Bool) {
        do { try body() } catch  where allowed(error) {} catch {
            XCTFail("\(what): \(type(of: error)) \(error) for input \(String(decoding: input.prefix(200), as: UTF8.self).debugDescription)")
        }
    }

    func testConfigurationTextAndMappings() throws {
        let seeds = [
            "model:\n  n_params: 4.0e+8\noptimizer:\n  name: adamw\n  learning_rate: 0.002\n  extra: {adam_lr: 0.001}\ndata: {tokens: 2.0e+10, batch_size: 512, sequence_length: 2048}\nschedule: {warmup_steps: 100, name: cosine}\n",
            #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_tokens": 1048576, "lr_schedule": "wsd", "decay_fraction": 0.2}"#,
            "base: &b {params: 1.0e+9}\nparams: 2.0e+9\ntokens: 4.0e+10\n"
        ]
        var mutator = Mutator(seed: 1)
        try mutator.forEach(of: seeds, count: Mutator.count(standard: 3_000)) { data in
            guard let text = String(data: data, encoding: .utf8) else { return }
            expectOwnError(
                "configuration", data,
                {
                    let node = try ConfigurationFile.parse(text, origin: "mutated.yaml")
                    for strictness in [Configuration.Strictness.proposal, .log] {
                        let configuration = try Configuration.read(node, origin: "mutated.yaml", strictness: strictness)
                        _ = configuration.completed()
                        try configuration.checkPredictable()
                    }
                }, allowed: { $0 is ConfigurationFileError || $0 is IngestError })
        }
        let mappings = [
            "run: run\nstep: {column: step, unit: K}\nlr: lr\nlosses: [loss, val_loss]\nconfig:\n  params: {column: n, unit: M}\nconstants: {seq_len: 2048}\n",
            "layout: long\nrun: id\nstep: step\nmetric: name\nvalue: value\ntarget: loss\nparameter_convention: non_embedding\n"
        ]
        let path = folder + "/mapping.yaml"
        try mutator.forEach(of: mappings, count: Mutator.count(standard: 2_000)) { data in
            try data.write(to: URL(fileURLWithPath: path))
            expectOwnError("mapping", data, { _ = try Mapping(path: path) }, allowed: { $0 is IngestError })
        }
    }

    /// Mutates each file of a pair in turn (the other one valid) and imports the pair.
    func mutatePair(
        in folder: String, _ files: [(name: String, text: String)], seed: UInt64, what: String,
        importing: () throws -> Void
    ) throws {
        var mutator = Mutator(seed: seed)
        for (index, file) in files.enumerated() {
            let other = files[1 - index]
            try other.text.write(toFile: folder + "/" + other.name, atomically: true, encoding: .utf8)
            try mutator.forEach(of: [file.text], count: Mutator.count(standard: 1_500)) { data in
                try data.write(to: URL(fileURLWithPath: folder + "/" + file.name))
                expectOwnError(what + " " + file.name, data, importing, allowed: { $0 is IngestError })
            }
        }
    }

    func testWandbFoldersAndRunFolders() throws {
        let wandb = folder + "/wandb"
        try FileManager.default.createDirectory(atPath: wandb, withIntermediateDirectories: true)
        let history = #"{"_step": 10, "loss": 3.2, "lr": 0.001}"# + "\n" + #"{"_step": 20, "loss": 3.0, "trainer/global_step": 20}"# + "\n"
        let config = "wandb_version: 1\nmodel:\n  value: {n_params: 1.0e+8, d_model: 512}\nlearning_rate:\n  value: 0.001\n"
        try mutatePair(in: wandb, [("wandb-history.jsonl", history), ("config.yaml", config)], seed: 2, what: "W&B") {
            try WandbImporter().importFile(wandb + "/wandb-history.jsonl", source: "wandb", into: CollectingSink(), progress: nil)
        }
        let run = folder + "/runs/marin-130m-adamw-a"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let recipe =
            #"{"model": {"params": 1.3e8, "d_model": 768, "n_layers": 12}, "optimizer": {"name": "adamw", "lr": 0.004, "extra": {"beta1": 0.9}}, "data": {"tokens": 2.6e9, "batch_size_tokens": 524288}, "schedule": {"name": "cosine", "warmup_steps": 500}}"#
        let losses = #"{"1000": 4.1, "2000": 3.7, "4959": 3.4}"#
        try mutatePair(in: run, [("config.json", recipe), ("losses.json", losses)], seed: 5, what: "run folder") {
            try RunFolderImporter().importFile(run + "/config.json", source: "bench", into: CollectingSink(), progress: nil)
        }
    }
}
