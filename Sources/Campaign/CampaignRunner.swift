// Many simulations at once, spread over the cores: simulation i of every kind of run uses
// the same seed, so the runs with and without automation (and with any estimate noise)
// start from the same pool and differ only by what they are.
import Foundation

public enum CampaignRunner {
    /// Seed of simulation `index` under the campaign seed.
    public static func seed(_ seed: UInt64, simulation index: Int) -> UInt64 {
        seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index)
    }

    /// Runs `simulations` simulations of each configuration; `progress` is called with the
    /// number finished so far (from any thread, serially).
    public static func run(
        _ configurations: [CampaignConfiguration], simulations: Int, seed: UInt64, gridStep: Double = 0.05,
        recordEvents: Bool = false, progress: ((Int) -> Void)? = nil
    ) -> [[CampaignTrace]] {
        let total = configurations.count * simulations
        var results = [CampaignTrace?](repeating: nil, count: total)
        let lock = NSLock()
        var done = 0
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = buffer
            DispatchQueue.concurrentPerform(iterations: total) { job in
                let configuration = configurations[job / simulations], index = job % simulations
                let trace = CampaignSimulation.run(
                    configuration, seed: Self.seed(seed, simulation: index), gridStep: gridStep,
                    recordEvents: recordEvents)
                lock.lock()
                slots[job] = trace
                done += 1
                progress?(done)
                lock.unlock()
            }
        }
        return (0..<configurations.count).map { kind in (0..<simulations).map { results[kind * simulations + $0]! } }
    }
}
