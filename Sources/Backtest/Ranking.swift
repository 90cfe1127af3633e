// Hyperparameter ranking: within each (N, D) group of test runs that holds a grid of
// learning rates and batch sizes, which configuration would each method pick, and what is
// the regret (the picked run's actual loss minus the best actual loss in the grid)?
// Compared: every fitted model, StepLaw's own optimum law (lr* = 1.78 N^-0.712 D^0.307,
// batch* = 0.573 D^0.571 tokens; the grid point nearest in log space) and a random pick
// (its expected regret, exactly: the mean over the group).
import Foundation
import Predictor
import Runs
import Scoring

public struct RankingRow: Codable, Sendable {
    public var method: String
    public var groups: Int
    public var meanRegret: Double?
    public var meanRegretPercent: Double?
    public var medianRegretPercent: Double?
    public var top3HitRate: Double?
    public var meanSpearman: Double?
    public var note: String?
}

public struct RankingResult: Codable, Sendable {
    public var groups: Int
    public var runs: Int
    public var riskAdjusted: Bool
    public var rows: [RankingRow]
}

public enum Ranking {
    struct Member {
        var run: Run
        var actual: Double
        var lr: Double
        var batchTokens: Double
        var predictions: [PointPrediction?]  // per model
    }

    /// StepLaw's optimum: (lr*, batch* in tokens).
    public static func stepLawOptimum(params: Double, tokens: Double) -> (lr: Double, batchTokens: Double) {
        (1.78 * pow(params, -0.712) * pow(tokens, 0.307), 0.573 * pow(tokens, 0.571))
    }

    public static func evaluate(_ backtest: BacktestResult, riskAdjusted: Bool = false) -> RankingResult {
        // The final-point prediction of every test run by every model.
        var members: [Member] = []
        for (runIndex, run) in backtest.test.enumerated() {
            guard let finalIndex = backtest.points[runIndex].firstIndex(where: \.isFinal), let lr = run.number(ConfigKey.lr),
                let batch = run.number(ConfigKey.batchSizeTokens), let actual = run.finalLoss
            else { continue }
            members.append(
                Member(
                    run: run, actual: actual, lr: lr, batchTokens: batch,
                    predictions: backtest.models.map { $0.predictions[runIndex][finalIndex] }))
        }
        let grouped = Dictionary(grouping: members) { "\($0.run.source)|\($0.run.params ?? 0)|\($0.run.tokens ?? 0)" }
        let groups = grouped.values.filter { group in
            group.count >= 4 && (Set(group.map(\.lr)).count >= 2 || Set(group.map(\.batchTokens)).count >= 2)
        }.sorted { ($0[0].run.params ?? 0, $0[0].run.tokens ?? 0) < ($1[0].run.params ?? 0, $1[0].run.tokens ?? 0) }

        var rows: [RankingRow] = []
        for (modelIndex, model) in backtest.models.enumerated() {
            rows.append(modelRow(model.name, groups: groups, modelIndex: modelIndex, riskAdjusted: riskAdjusted))
        }
        // StepLaw's law: the grid point nearest its optimum in log space.
        var lawRegrets: [(Double, Double)] = [], lawHits = 0
        for group in groups {
            guard let params = group[0].run.params, let tokens = group[0].run.tokens else { continue }
            let optimum = stepLawOptimum(params: params, tokens: tokens)
            let pick = group.min { distance($0, optimum) < distance($1, optimum) }!
            let best = group.map(\.actual).min()!
            lawRegrets.append((pick.actual - best, (pick.actual - best) / best * 100))
            if pick.actual == best { lawHits += 1 }
        }
        rows.append(
            RankingRow(
                method: "steplaw-law", groups: lawRegrets.count, meanRegret: mean(lawRegrets.map(\.0)),
                meanRegretPercent: mean(lawRegrets.map(\.1)), medianRegretPercent: median(lawRegrets.map(\.1)),
                top3HitRate: nil, meanSpearman: nil,
                note: "picks one configuration (nearest lr*, batch* in log space); cannot rank the rest"))
        // Random: the expected regret of a uniform pick.
        let random = groups.map { group -> (Double, Double, Double) in
            let best = group.map(\.actual).min()!
            let regret = group.map { $0.actual - best }.reduce(0, +) / Double(group.count)
            return (regret, regret / best * 100, min(3.0, Double(group.count)) / Double(group.count))
        }
        rows.append(
            RankingRow(
                method: "random", groups: random.count, meanRegret: mean(random.map(\.0)), meanRegretPercent: mean(random.map(\.1)),
                medianRegretPercent: median(random.map(\.1)), top3HitRate: mean(random.map(\.2)), meanSpearman: 0,
                note: "expected values of a uniform pick"))
        return RankingResult(groups: groups.count, runs: groups.map(\.count).reduce(0, +), riskAdjusted: riskAdjusted, rows: rows)
    }

    static func modelRow(_ name: String, groups: [[Member]], modelIndex: Int, riskAdjusted: Bool) -> RankingRow {
        var regrets: [(Double, Double)] = [], hits = 0, spearmans: [Double] = [], constant = 0, used = 0
        for group in groups {
            let scored = group.compactMap { member in member.predictions[modelIndex].map { (member, $0) } }
            guard scored.count == group.count else { continue }
            used += 1
            let losses = scored.map(\.1.loss)
            if losses.max()! - losses.min()! < 1e-12 { constant += 1; continue }
            func score(_ prediction: PointPrediction) -> Double { riskAdjusted ? prediction.riskAdjustedScore : prediction.loss }
            let values = scored.map { score($0.1) }
            let order = scored.indices.sorted { values[$0] < values[$1] }
            let best = group.map(\.actual).min()!
            let pick = scored[order[0]].0
            regrets.append((pick.actual - best, (pick.actual - best) / best * 100))
            if order.prefix(3).contains(where: { scored[$0].0.actual == best }) { hits += 1 }
            let healthy = scored.filter { $0.0.run.status != .diverged }
            if healthy.count >= 3 { spearmans.append(Metrics.spearman(healthy.map(\.1.loss), healthy.map(\.0.actual))) }
        }
        if used > 0 && constant == used {
            return RankingRow(
                method: name, groups: used, meanRegret: nil, meanRegretPercent: nil, medianRegretPercent: nil, top3HitRate: nil,
                meanSpearman: nil, note: "gives every configuration of a group the same loss: it cannot rank within a group")
        }
        return RankingRow(
            method: name, groups: regrets.count, meanRegret: mean(regrets.map(\.0)), meanRegretPercent: mean(regrets.map(\.1)),
            medianRegretPercent: median(regrets.map(\.1)), top3HitRate: regrets.isEmpty ? nil : Double(hits) / Double(regrets.count),
            meanSpearman: mean(spearmans), note: used < groups.count ? "predicts \(used) of \(groups.count) groups" : nil)
    }

    static func distance(_ member: Member, _ optimum: (lr: Double, batchTokens: Double)) -> Double {
        let a = log(member.lr / optimum.lr), b = log(member.batchTokens / optimum.batchTokens)
        return a * a + b * b
    }

    static func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    static func median(_ values: [Double]) -> Double? { values.isEmpty ? nil : Metrics.quantile(values, 0.5) }
}
