// `losscast demo`, third part: the best run for the money. Model sizes x token budgets on
// StepLaw's data, each at StepLaw's optimal rate and batch, priced on 256 H100s at 40% MFU
// (Epoch's tables, 3-year cloud rental); those within a budget ranked by predicted final
// loss with their cost beside it, and the loss-cost frontier written as an SVG.
import Costs
import Foundation
import Plots
import Predictor
import Runs

enum CostDemo {
    static let budget = 2_500.0
    static let chip = "NVIDIA H100 SXM5 80GB", chips = 256, utilization = 0.4

    /// 2e8 -> "200M", 1.07e9 -> "1.07B", padded to 5.
    static func size(_ value: Double) -> String {
        let text = value >= 1e9 ? String(format: "%.3gB", value / 1e9) : String(format: "%.3gM", value / 1e6)
        return text.padding(toLength: 5, withPad: " ", startingAt: 0)
    }

    static func run(predictor: Predictor, output: String) throws {
        guard let directory = try? Paths.epochData(nil), let model = try? CostModel.load(directory: directory, estimating: false) else {
            print("\n(no Epoch cost tables at ../shared/datasets/epoch_training_costs: the cost comparison is skipped)")
            return
        }
        let pricing = try model.estimate(
            TrainingPlan(
                flop: 1e21, chip: try model.chips.chip(named: chip), chips: chips, utilization: utilization,
                start: model.prices.span!.upperBound))
        var candidates: [Configuration] = []
        for parameters in [2e8, 4e8, 7e8, 1.07e9, 2e9] {
            for tokens in [1e10, 2e10, 5e10, 1e11, 2e11] {
                // StepLaw's optimum: lr* = 1.79 N^-0.713 D^0.307, batch* = 0.573 D^0.571 tokens.
                let rate = 1.79 * pow(parameters, -0.713) * pow(tokens, 0.307)
                let batch = (0.573 * pow(tokens, 0.571) / 2048).rounded()
                candidates.append(
                    Configuration([
                        ConfigKey.params: .number(parameters), ConfigKey.tokens: .number(tokens), ConfigKey.seqLen: .number(2048),
                        ConfigKey.lr: .number(rate), ConfigKey.batchSizeSeqs: .number(batch), ConfigKey.minLR: .number(1e-5),
                        "source": .text("steplaw-dense")
                    ]))
            }
        }
        let predictions = try predictor.predict(candidates).map(\.final)
        let costs = candidates.map { pricing.scaled(toFLOP: CostModel.trainingFLOP(parameters: $0.parameters!, tokens: $0.tokens!)) }
        let dollars = costs.map { $0.dollars(.cloud(.threeYear))! }
        let affordable = candidates.indices.filter { dollars[$0] <= budget && predictions[$0].divergenceProbability <= 0.5 }
            .sorted { (predictions[$0].loss, $0) < (predictions[$1].loss, $1) }
        print(
            "\nThe best run for $\(Cost.grouped(budget)) on \(chips) x \(chip) at \(Int(utilization * 100))% MFU (3-year cloud prices of "
                + "\(pricing.cloud["3-year"]!.quote.date), 2023 dollars): \(candidates.count) sizes x token budgets of StepLaw's data at its optimal "
                + "rate and batch, \(affordable.count) within budget")
        print("rank  N      D      predicted loss  90% interval       cost      time")
        for (position, index) in affordable.prefix(8).enumerated() {
            let prediction = predictions[index]
            print(
                String(
                    format: "%4d  %@  %@  %14.4f  %.4f to %.4f  ", position + 1, size(candidates[index].parameters!),
                    size(candidates[index].tokens!),
                    prediction.loss, prediction.lower, prediction.upper)
                    + ("$" + Cost.grouped(dollars[index])).padding(toLength: 10, withPad: " ", startingAt: 0)
                    + Cost.duration(costs[index].seconds))
        }
        let over = candidates.indices.filter { dollars[$0] > budget }.map {
            "\(size(candidates[$0].parameters!).trimmingCharacters(in: .whitespaces)) on "
                + "\(size(candidates[$0].tokens!).trimmingCharacters(in: .whitespaces))"
        }
        print("over budget: " + over.joined(separator: ", "))
        let points = candidates.indices.filter { predictions[$0].divergenceProbability <= 0.5 }.map {
            (cost: dollars[$0], loss: predictions[$0].loss)
        }
        try Rank.writeFrontier(points, to: output + "/loss_cost_frontier.svg", pricing: pricing, payment: .threeYear)
        print("wrote \(output)/loss_cost_frontier.svg (each candidate's predicted loss against its cost, and the frontier)")
    }
}
