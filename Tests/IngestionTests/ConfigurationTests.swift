// The one configuration reader: the same recipe flat, in sections and as YAML reads to the
// same value; each kind of bad field is refused naming its path, with a hint; the
// benchmark's real recipes read strictly, every one of them.
import ConfigTree
import Foundation
import Runs
import TestSupport
import XCTest

final class ConfigurationTests: XCTestCase {
    func refusal(_ text: String, strictness: Configuration.Strictness = .proposal) -> IngestError? {
        do {
            _ = try Configuration.read(text, origin: "test", strictness: strictness)
            return nil
        } catch let error as IngestError {
            return error
        } catch {
            XCTFail("not an IngestError: \(error)")
            return nil
        }
    }

    func testFlatNestedAndYAMLReadToTheSameConfiguration() throws {
        let flat = try Configuration.read(
            """
            {"n_params": 1.2e9, "d_model": 1536, "optimizer": "muon", "learning_rate": 0.004, "wd": 0.1,
             "batch_tokens": 524288, "seq_len": 2048, "lr_schedule": "cosine", "warmup_steps": 1000, "total_steps": 184324}
            """, origin: "flat")
        let nested = try Configuration.read(
            """
            {"model": {"d_model": 1536}, "optimizer": {"name": "muon", "lr": 0.004, "weight_decay": 0.1},
             "data": {"batch_tokens": 524288, "seq_len": 2048},
             "schedule": {"name": "cosine", "warmup_steps": 1000, "total_steps": 184324}, "n_params": 1.2e9, "run_id": "x"}
            """, origin: "nested")
        let yaml = try Configuration.read(
            """
            model:
              d_model: 1536
            optimizer:
              name: muon
              lr: 0.004
              weight_decay: 0.1
            data: {batch_tokens: 524288, seq_len: 2048}
            schedule:
              lr_schedule: cosine
              warmup_steps: 1000
              total_steps: 184324
            n_params: 1.2e9
            """, origin: "yaml")
        XCTAssertEqual(flat.values, nested.values)
        XCTAssertEqual(flat.values, yaml.values)
        XCTAssertEqual(flat.values.count, 10)
        XCTAssertEqual(flat[ConfigKey.lr], .number(0.004))
        XCTAssertEqual(flat.optimizerName, "muon")
        XCTAssertEqual(Set(nested.section(.optimizer).keys), [ConfigKey.optimizer, ConfigKey.lr, ConfigKey.weightDecay])
        XCTAssertEqual(Set(nested.section(.schedule).keys), [ConfigKey.lrSchedule, ConfigKey.warmupSteps, ConfigKey.totalSteps])
        // D = total steps x batch tokens when not stated.
        XCTAssertEqual(flat.tokens, 184_324 * 524_288)
        // The schedule in closed form: cosine to 10% of the peak (no final ratio stated) after warmup.
        let schedule = try XCTUnwrap(flat.schedule)
        XCTAssertEqual(schedule.rate(at: 500), 0.002, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(at: 184_324), 0.0004, accuracy: 1e-12)
    }

    func testEachKindOfBadFieldIsRefusedByPathWithAHint() throws {
        let typo = try XCTUnwrap(refusal(#"{"params": 1e9, "lrr": 0.002}"#))
        XCTAssertEqual(typo.field, "lrr")
        XCTAssertTrue(typo.description.contains("'lr'"), typo.description)
        let nestedTypo = try XCTUnwrap(refusal(#"{"schedule": {"warmup_stpes": 10}}"#))
        XCTAssertEqual(nestedTypo.field, "schedule.warmup_stpes")
        XCTAssertTrue(nestedTypo.description.contains("'warmup_steps'"), nestedTypo.description)
        let text = try XCTUnwrap(refusal(#"{"params": 1e9, "lr": "0.002"}"#))
        XCTAssertEqual(text.field, "lr")
        XCTAssertTrue(text.problem.contains("string"), text.description)
        let negative = try XCTUnwrap(refusal(#"{"params": -1e9}"#))
        XCTAssertEqual(negative.field, "params")
        let zero = try XCTUnwrap(refusal(#"{"model": {"d_model": 0}}"#))
        XCTAssertEqual(zero.field, "model.d_model")
        let fraction = try XCTUnwrap(refusal(#"{"optimizer": {"beta2": 1.5}}"#))
        XCTAssertEqual(fraction.field, "optimizer.beta2")
        let schedule = try XCTUnwrap(refusal(#"{"schedule": {"name": "cosin"}}"#))
        XCTAssertEqual(schedule.field, "schedule.name")
        XCTAssertTrue(schedule.description.contains("'cosine'"), schedule.description)
        let twice = try XCTUnwrap(refusal(#"{"lr": 0.001, "learning_rate": 0.002}"#))
        XCTAssertTrue(twice.problem.contains("second value"), twice.description)
        let notObject = try XCTUnwrap(refusal("[1, 2]"))
        XCTAssertTrue(notObject.problem.contains("a list"), notObject.description)
        XCTAssertThrowsError(try Configuration.read(#"{"params": 1e9, "#, origin: "test"), "truncated JSON") { error in
            XCTAssertTrue(error is ConfigurationFileError && "\(error)".hasPrefix("test: not YAML or JSON"), "\(error)")
        }
        // A flag where a number goes, and a number where a flag goes.
        XCTAssertEqual(refusal(#"{"tokens": true}"#)?.field, "tokens")
        XCTAssertEqual(refusal(#"{"model": {"tied_embeddings": 1}}"#)?.field, "model.tied_embeddings")
    }

    func testOptimizerExtrasAndLogsKeepFieldsTheTableDoesNotKnow() throws {
        let muon = try Configuration.read(#"{"optimizer": {"name": "muon", "momentum": 0.95, "ns_steps": 5}}"#, origin: "test")
        XCTAssertEqual(muon["momentum"], .number(0.95))
        XCTAssertEqual(Set(muon.section(.optimizer).keys), [ConfigKey.optimizer, "momentum", "ns_steps"])
        // A near miss of a known field is still a typo, even under the optimizer.
        XCTAssertEqual(refusal(#"{"optimizer": {"weight_decya": 0.1}}"#)?.field, "optimizer.weight_decya")
        // What a log adds is kept under its own name when reading a log, refused from a user.
        XCTAssertNil(refusal(#"{"hardware": "8xH100"}"#, strictness: .log))
        XCTAssertEqual(try Configuration.read(#"{"hardware": "8xH100"}"#, origin: "log", strictness: .log)["hardware"], .text("8xH100"))
        XCTAssertNotNil(refusal(#"{"hardware": "8xH100"}"#))
        // `extra` is free-form, and the outcomes logged in it are never inputs.
        let extra = try Configuration.read(#"{"extra": {"matrix_lr": 0.02, "val_bpb": 0.81}}"#, origin: "test")
        XCTAssertEqual(extra.values, ["matrix_lr": .number(0.02)])
    }

    func testAConfigurationWithoutNOrDCannotBePredicted() throws {
        let rateOnly = try Configuration.read(#"{"lr": 0.002}"#, origin: "test")
        XCTAssertThrowsError(try rateOnly.checkPredictable()) { error in
            XCTAssertEqual((error as? IngestError)?.field, ConfigKey.params)
        }
        let noLength = try Configuration.read(#"{"params": 1e9, "lr": 0.002}"#, origin: "test")
        XCTAssertThrowsError(try noLength.checkPredictable()) { error in
            XCTAssertEqual((error as? IngestError)?.field, ConfigKey.tokens)
        }
        // N from the architecture, D from steps x batch: enough.
        let shape = try Configuration.read(
            #"{"d_model": 768, "n_layers": 12, "vocab_size": 50304, "total_steps": 1000, "batch_size_tokens": 524288}"#,
            origin: "test")
        XCTAssertNoThrow(try shape.checkPredictable())
        XCTAssertEqual(shape.tokens, 1000 * 524_288)
    }

    /// Every recipe of the benchmark's validation split reads strictly, as a user's proposal:
    /// the field table knows every field the benchmark states.
    func testEveryBenchmarkRecipeReadsAsAProposal() throws {
        let val = datasetsRoot + "/losscast_bench/val"
        guard let folders = try? FileManager.default.contentsOfDirectory(atPath: val) else { throw XCTSkip("no losscast_bench") }
        var read = 0
        for folder in folders.sorted() where !folder.hasPrefix(".") {
            let configuration = try Configuration.read(val + "/" + folder + "/config.json", origin: folder)
            try configuration.checkPredictable(origin: folder)
            read += 1
        }
        XCTAssertEqual(read, folders.filter { !$0.hasPrefix(".") }.count)
        XCTAssertGreaterThan(read, 100)
    }
}
