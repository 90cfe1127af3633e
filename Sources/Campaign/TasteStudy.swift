// What better research taste is worth, in years: the automation campaign run three ways on
// the same seeds (the same pools, the same draws), with teams that choose among the
// experiments they look at
//   - uninformed: at random (no predictor of outcomes, estimate noise infinite),
//   - with a predictor: seeing each gain with the predictor's error (TasteNoise),
//   - as an oracle: seeing every gain exactly (the reference model),
// and the milestone years compared seed by seed.
import Foundation

public struct TasteStudy: Sendable, Codable {
    public struct Variant: Sendable, Codable {
        public var name: String
        /// sd of ln of the estimate's error; nil for the uninformed teams (infinite).
        public var estimateNoise: Double?
        /// The within-group Spearman correlation that noise leaves on the pool's gains.
        public var spearman: Double
        public var summary: CampaignRunSummary
    }

    public struct Saving: Sendable, Codable {
        public var milestone: String
        /// Years earlier than the uninformed teams, seed by seed (where both reached it).
        public var savedAgainstUninformed: Band
        /// Years later than the oracle, seed by seed.
        public var lostAgainstOracle: Band

        enum CodingKeys: String, CodingKey {
            case milestone, savedAgainstUninformed = "saved_against_uninformed", lostAgainstOracle = "lost_against_oracle"
        }
    }

    public var predictorSpearman: Double
    public var variants: [Variant]
    public var savings: [Saving]

    enum CodingKeys: String, CodingKey { case predictorSpearman = "predictor_spearman", variants, savings }

    /// Runs the study for a predictor whose within-group Spearman correlation is `spearman`.
    public static func run(
        _ configuration: CampaignConfiguration, spearman: Double, simulations: Int, seed: UInt64,
        progress: ((Int) -> Void)? = nil
    ) -> TasteStudy {
        let gainSigma = configuration.efficiencyGain.sigma
        let noises = [Double.infinity, TasteNoise.noise(spearman: spearman, gainSigma: gainSigma), 0]
        let configurations = noises.map { noise -> CampaignConfiguration in
            var copy = configuration
            copy.estimateNoise = noise
            return copy
        }
        let traces = CampaignRunner.run(configurations, simulations: simulations, seed: seed, progress: progress)
        let names = ["uninformed", "predictor", "oracle"]
        let variants = zip(names, zip(noises, traces)).map { name, pair in
            Variant(
                name: name, estimateNoise: pair.0.isFinite ? pair.0 : nil,
                spearman: pair.0.isFinite ? TasteNoise.spearman(noise: pair.0, gainSigma: gainSigma) : 0,
                summary: CampaignRunSummary(pair.1))
        }
        let savings = (1...12).map { decade -> Saving in
            func differences(_ later: [CampaignTrace], _ earlier: [CampaignTrace]) -> [Double] {
                zip(later, earlier).compactMap { a, b in
                    guard let yearA = a.milestones[decade - 1], let yearB = b.milestones[decade - 1] else { return nil }
                    return yearA - yearB
                }
            }
            return Saving(
                milestone: "1e\(decade)", savedAgainstUninformed: Band(differences(traces[0], traces[1])),
                lostAgainstOracle: Band(differences(traces[1], traces[2])))
        }
        return TasteStudy(predictorSpearman: spearman, variants: variants, savings: savings)
    }
}
