// Checks every importer applies before a run is accepted: finite losses, steps that only
// go forward, positive counts and rates. Errors name the file, line and field.
import Foundation

public enum Validation {
    /// A number from a cell, or an error naming the cell.
    public static func number(_ raw: String?, file: String, line: Int?, field: String) throws -> Double {
        guard let raw, let value = try optionalNumber(raw, file: file, line: line, field: field) else {
            throw IngestError(file: file, line: line, field: field, problem: "the value is missing", expected: "a number")
        }
        return value
    }

    /// A number when the cell holds one, nil when it is empty or blank, an error when it holds text.
    /// (Parsed directly; spaces are trimmed by hand only when that fails, since Foundation's
    /// trimming goes through NSString and dominated large ingests.)
    public static func optionalNumber(_ raw: String?, file: String, line: Int?, field: String) throws -> Double? {
        guard let raw, !raw.isEmpty else { return nil }
        if let value = DecimalParsing.simple(raw) ?? Double(raw) { return value }
        let trimmed = raw.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        if trimmed.isEmpty { return nil }
        if let value = Double(String(decoding: Array(trimmed), as: UTF8.self)) { return value }
        throw IngestError(file: file, line: line, field: field, problem: "'\(raw.prefix(40))' is not a number", expected: "a number")
    }

    /// The largest loss taken as real: a perplexity at initialisation is about the vocabulary
    /// size (at most a few hundred thousand); nats and bits are far below.
    public static let largestLoss = 1e6
    /// The largest step and token count taken as real (1e12 steps, 1e17 tokens).
    public static let largestStep = 1e12, largestTokens = 1e17

    /// A logged metric: finite and at most `largestLoss` in size. Its sign is not checked here:
    /// logs carry log-likelihoods and normalised losses below 0 (OLMo's soft log-likelihoods,
    /// SLDBench's Lossu); a cross-entropy target is checked in `check`.
    public static func loss(_ value: Double, file: String, line: Int?, field: String) throws -> Double {
        guard value.isFinite else {
            throw IngestError(file: file, line: line, field: field, problem: "the loss is \(value)", expected: "a finite loss")
        }
        guard abs(value) <= largestLoss else {
            throw IngestError(
                file: file, line: line, field: field, problem: "the loss is \(value)",
                expected: "a loss of at most \(Int(largestLoss)) in size (a cross-entropy, bits or perplexity)")
        }
        return value
    }

    /// Whether a target is a cross-entropy (`loss`, `train/loss`, `val_loss`): above 0 always.
    public static func isCrossEntropy(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "loss" || lowered.hasSuffix("/loss") || lowered.hasSuffix("_loss") || lowered.hasSuffix(".loss")
    }

    /// Checks a finished run: positive canonical counts, finite losses, steps and tokens
    /// that strictly increase, a target loss at every point. `pointLines`, when the importer
    /// knows them, are the lines each point was read from, so an error names the offending
    /// row rather than the run's first.
    public static func check(_ run: Run, pointLines: [Int]? = nil) throws {
        let file = run.provenance.file
        func lineOf(_ index: Int) -> Int? {
            guard let pointLines, index < pointLines.count else { return run.provenance.line }
            return pointLines[index]
        }
        for (key, value) in run.configuration where ConfigKey.positive.contains(key) {
            if let number = value.number, !(number > 0) || !number.isFinite {
                throw IngestError(
                    file: file, line: run.provenance.line, field: key,
                    problem: "\(key) is \(number) in run '\(run.name)'", expected: "a positive number")
            }
        }
        guard !run.curve.isEmpty else {
            throw IngestError(
                file: file, line: run.provenance.line, problem: "run '\(run.name)' has no points", expected: "at least one loss")
        }
        var previousStep: Double? = nil, previousTokens: Double? = nil
        let crossEntropy = isCrossEntropy(run.targetLoss)
        for (index, point) in run.curve.enumerated() {
            guard let target = point.losses[run.targetLoss] else {
                throw IngestError(
                    file: file, line: lineOf(index), field: run.targetLoss,
                    problem: "point \(index) of run '\(run.name)' has no \(run.targetLoss)", expected: "the target loss at every point")
            }
            for (name, loss) in point.losses where !(loss.isFinite && abs(loss) <= largestLoss) {
                throw IngestError(
                    file: file, line: lineOf(index), field: name,
                    problem: "point \(index) of run '\(run.name)' has loss \(loss)",
                    expected: "a finite loss of at most \(Int(largestLoss)) in size")
            }
            if crossEntropy, !(target > 0) {
                throw IngestError(
                    file: file, line: lineOf(index), field: run.targetLoss,
                    problem: "point \(index) of run '\(run.name)' has \(run.targetLoss) \(target)",
                    expected: "a cross-entropy above 0 (a loss of 0 or below is no training loss)")
            }
            if let step = point.step, !(step >= 0 && step <= largestStep) {
                throw IngestError(
                    file: file, line: lineOf(index), field: "step",
                    problem: "step \(step) at point \(index) of run '\(run.name)'", expected: "a step from 0 to 1e12")
            }
            if let tokens = point.tokens, !(tokens >= 0 && tokens <= largestTokens) {
                throw IngestError(
                    file: file, line: lineOf(index), field: "tokens",
                    problem: "tokens \(tokens) at point \(index) of run '\(run.name)'", expected: "a token count from 0 to 1e17")
            }
            if let step = point.step {
                if let previousStep, step <= previousStep {
                    throw IngestError(
                        file: file, line: lineOf(index), field: "step",
                        problem: "step \(step) of run '\(run.name)' follows step \(previousStep)",
                        expected: "steps that strictly increase")
                }
                previousStep = step
            }
            if let tokens = point.tokens {
                if let previousTokens, tokens < previousTokens {
                    throw IngestError(
                        file: file, line: lineOf(index), field: "tokens",
                        problem: "tokens \(tokens) of run '\(run.name)' follow \(previousTokens)",
                        expected: "tokens seen that never decrease")
                }
                previousTokens = tokens
            }
            if let rate = point.learningRate, !(rate >= 0) {
                throw IngestError(
                    file: file, line: lineOf(index), field: "lr",
                    problem: "learning rate \(rate) at point \(index) of run '\(run.name)'", expected: "a non-negative learning rate")
            }
        }
    }
}
