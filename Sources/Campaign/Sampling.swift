// Sampling without replacement, for the teams' choices.
import Foundation
import Randomness

enum Sampling {
    /// `count` distinct indices below `size`, uniformly (Floyd's algorithm: `count` draws,
    /// whatever the size).
    static func distinctIndices(_ count: Int, below size: Int, _ generator: inout SeededGenerator) -> [Int] {
        precondition(count <= size, "\(count) distinct indices below \(size)")
        var chosen = Set<Int>(minimumCapacity: count)
        var order: [Int] = []
        order.reserveCapacity(count)
        for upper in (size - count)..<size {
            let draw = Int(generator.next() % UInt64(upper + 1))
            let index = chosen.contains(draw) ? upper : draw
            chosen.insert(index)
            order.append(index)
        }
        return order
    }

    /// `count` indices drawn one after another with probability proportional to their
    /// weights among those not yet drawn (Efraimidis and Spirakis: the `count` largest keys
    /// ln(u) / w have that distribution).
    static func weightedWithoutReplacement(_ count: Int, weights: [Double], _ generator: inout SeededGenerator) -> [Int] {
        let keys = weights.map { weight -> Double in
            let u = max(generator.nextUniform(), .leastNonzeroMagnitude)
            return weight > 0 ? log(u) / weight : -.infinity
        }
        return Array(keys.indices.sorted { keys[$0] > keys[$1] }.prefix(count))
    }
}
