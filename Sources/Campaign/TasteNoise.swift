// A predictor's ranking quality as research taste. A team that ranks experiments by a
// predictor sees each gain with the predictor's error. We measure that error the way the
// ranking evaluation does, as the Spearman correlation between predicted and actual
// outcomes within a group of configurations, and turn it into the log-normal estimate
// noise that gives the same Spearman correlation on the pool's gains.
//
// With ln(gain) normal of deviation s and the estimate ln(gain) + sigma z, the two are
// bivariate normal with correlation r = s / sqrt(s^2 + sigma^2), whose Spearman correlation
// is (6 / pi) asin(r / 2) (Pearson, 1907). Inverting: r = 2 sin(pi rho / 6),
// sigma = s sqrt(1 / r^2 - 1).
import Foundation

public enum TasteNoise {
    /// The estimate noise (sd of ln) matching a within-group Spearman correlation `spearman`
    /// in (0, 1], for gains whose ln has deviation `gainSigma`. Spearman 1 is noise 0.
    public static func noise(spearman: Double, gainSigma: Double) -> Double {
        precondition(spearman > 0 && spearman <= 1, "Spearman \(spearman) outside (0, 1]")
        let pearson = min(1, 2 * sin(.pi * spearman / 6))
        return gainSigma * (1 / (pearson * pearson) - 1).squareRoot()
    }

    /// The Spearman correlation that estimate noise `noise` leaves (the inverse).
    public static func spearman(noise: Double, gainSigma: Double) -> Double {
        let pearson = gainSigma / (gainSigma * gainSigma + noise * noise).squareRoot()
        return 6 / .pi * asin(pearson / 2)
    }
}
