// `losscast simulate` (one simulated training run from the shell) and `losscast serve`
// (the simulator as an HTTP JSON service for agents). See Sources/Simulator.
import ArgumentParser
import Foundation
import Runs
import Simulator
import SimulatorService

extension InterpolationMethod: ExpressibleByArgument {}

/// Settings shared by `simulate` and `serve`: the simulator's configuration, from its
/// defaults, then a file, then these options (each given one wins).
struct SimulatorOptions: ParsableArguments {
    @Option(help: "A YAML or JSON file of simulator configuration fields over the defaults (see --print-config).")
    var simulatorConfig: String?
    @Flag(help: "Print the effective simulator configuration (defaults, file, options) as JSON and exit.") var printConfig = false
    @Option(help: "Budget in GPU-days (a run costs GPUs x days); 'none' for no limit.") var budget: String?
    @Option(help: "Seed of the noise streams: the same seed replays a session bit for bit.") var seed: UInt64?
    @Option(help: "Interpolation between the reference curves: \(InterpolationMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var interpolation: InterpolationMethod?
    @Option(help: "Real milliseconds per simulated training day (0: results at once).") var millisecondsPerDay: Double?
    @Option(help: "Chance that an accepted run crashes (it then spends nothing).") var failureProbability: Double?
    @Option(help: "Input dimension of the simulated MLPs.") var inputDimension: Int?
    @Option(help: "Output dimension of the simulated MLPs.") var outputDimension: Int?
    @Option(help: "How the first layer's weights count: input (in x w1) or squared (w1 x w1).") var firstLayer: String?
    @Option(help: "Scale of the noise on results (0: the reference curves exactly).") var noiseScale: Double?
    @Option(help: "Training days at which a run is sufficiently trained (default 60).") var maxDays: Double?
    @Option(help: "Learned backend: sustained FLOP/s of one GPU (default 1.5e14).") var flopsPerGpu: Double?
    @Option(help: "Inference hardware FLOP/s for the QPS model (default 5e12).") var hardwareFlopsPerSecond: Double?

    /// The fields the options set, by their configuration names.
    func overrides() throws -> [String: Any] {
        var fields: [String: Any] = [:]
        if let budget {
            if budget.lowercased() == "none" {
                fields["budget"] = NSNull()
            } else {
                guard let value = Double(budget) else { throw ValidationError("--budget \(budget): expected GPU-days or 'none'") }
                fields["budget"] = value
            }
        }
        let given: [(String, Any?)] = [
            ("seed", seed), ("interpolation", interpolation?.rawValue), ("milliseconds_per_day", millisecondsPerDay),
            ("failure_probability", failureProbability), ("input_dimension", inputDimension), ("output_dimension", outputDimension),
            ("first_layer", firstLayer), ("noise_scale", noiseScale), ("maximum_training_days", maxDays),
            ("flops_per_gpu", flopsPerGpu), ("hardware_flops_per_second", hardwareFlopsPerSecond)
        ]
        for (name, value) in given { if let value { fields[name] = value } }
        return fields
    }

    func configuration() throws -> SimulatorConfiguration {
        do {
            let base = try simulatorConfig.map { try SimulatorConfiguration.load(path: $0) } ?? SimulatorConfiguration()
            return try base.overriding(try overrides())
        } catch let error as SimulatorError {
            throw ValidationError(error.errorDescription ?? "\(error)")
        }
    }

    /// With --print-config: prints the configuration and returns true.
    func printedConfiguration() throws -> Bool {
        guard printConfig else { return false }
        print(try configuration().prettyJSON(), terminator: "")
        return true
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate one training run: NE (or loss), QPS, cost and the learning curve.",
        discussion: """
            Reference backend: losscast simulate --layers 1024,1024 --days 30 [--gpus 8]
            Its configuration: losscast simulate --print-config > sim.json; losscast simulate --simulator-config sim.json ...
            Checkpoint backend: losscast simulate --checkpoint FILE --config '{"params": 1e9, "batch_size_tokens": 1048576, "lr": 0.002}' --tokens 2e10
            """)
    @Option(help: "Hidden-layer widths, comma-separated, e.g. 1024,1024.") var layers: String?
    @Option(help: "Training days.") var days: Double?
    @Option(help: "GPUs (the run costs GPUs x days).") var gpus: Int = 1
    @Option(help: "Answer from this LossCast checkpoint instead of the reference curves.") var checkpoint: String?
    @Option(help: "With --checkpoint: the LLM configuration as a JSON object.") var config: String?
    @Option(help: "With --checkpoint: the token budget.") var tokens: Double?
    @OptionGroup var options: SimulatorOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        if try options.printedConfiguration() { return }
        var fields: [String: Any] = ["gpus": gpus]
        if let layers {
            let widths = layers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !widths.isEmpty, widths.allSatisfy({ $0 != nil }) else {
                throw ValidationError("--layers \(layers): expected widths such as 1024,1024")
            }
            fields["layers"] = widths.map { $0! }
        }
        if let days { fields["days"] = days }
        if let tokens { fields["tokens"] = tokens }
        if let config {
            guard let object = try? JSONSerialization.jsonObject(with: Data(config.utf8)) else {
                throw ValidationError("--config: expected a JSON object such as {\"params\": 1e9, \"batch_size_tokens\": 1048576}")
            }
            fields["configuration"] = object
        }
        do {
            let backend: (any SimulationBackend)? = try checkpoint.map { try LearnedBackend(checkpoint: $0) }
            let simulator = try Simulator(configuration: try options.configuration(), backend: backend)
            let result = try simulator.simulate(try TrainingRequest.parse(fields: fields))
            if json { try printJSON(result); return }
            let name = result.metric == "loss" ? "loss" : "NE"
            print(
                String(
                    format: "%@ %.4f after %.4g days on %d GPU(s); %.4g parameters; QPS %.0f; cost %.4g GPU-days; budget left %@",
                    name, result.value, result.days, result.gpus, result.parameters, result.queriesPerSecond, result.cost,
                    result.budgetRemaining.map { String(format: "%.4g", $0) } ?? "unlimited"))
            let every = max(1, result.curve.count / 10)
            for (index, point) in result.curve.enumerated() where index % every == 0 || index == result.curve.count - 1 {
                print(String(format: "  day %7.2f  %@ %.4f", point.day, name, point.value))
            }
        } catch let error as SimulatorError {
            if case .invalidField = error { throw ValidationError(error.errorDescription ?? "\(error)") }
            throw SimulationFailure(message: error.errorDescription ?? "\(error)")
        }
    }
}

/// A run that was valid but did not produce a result (refused by the budget, failed):
/// reported without the usage text that a mistyped option gets.
struct SimulationFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the simulator over HTTP (JSON) for agents: sessions, budgets, runs, curves.",
        discussion: "The endpoints are described in Sources/SimulatorService/openapi.yaml.")
    @Option(help: "Port to listen on (0: any free port).") var port: Int = 8080
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "reference (the seed's curves) or checkpoint (a LossCast predictor; give its file after).") var backend = ServeBackend
        .reference
    @Argument(help: "With --backend checkpoint: the checkpoint file (default: the bundled default).") var checkpointFile: String?
    @Option(help: "Sessions held at once; past it a new session gets 503 with Retry-After.") var maxSessions = ServiceLimits().sessions
    @Option(help: "Seconds a session may go unused before it is removed.") var sessionExpiry = ServiceLimits().sessionIdleSeconds
    @Option(help: "Open connections at once (more wait in the listen backlog).") var maxConnections = ServiceLimits().connections
    @Option(help: "Seconds a connection may stay silent (idle, or a request stalled) before it is closed.") var idleTimeout =
        ServiceLimits().idleConnectionSeconds
    @Option(help: "Seconds a request body may take to arrive (408 after).") var bodyTimeout = ServiceLimits().bodySeconds
    @OptionGroup var options: SimulatorOptions

    func validate() throws {
        // A port outside 0-65535 would be cut to 16 bits by the socket call and listen elsewhere.
        guard (0...65_535).contains(port) else { throw ValidationError("--port \(port): expected 1 to 65535 (or 0 for any free port)") }
    }

    func run() async throws {
        if try options.printedConfiguration() { return }
        let defaults = try options.configuration()
        let chosen: (any SimulationBackend)?
        switch backend {
        case .reference:
            guard checkpointFile == nil else { throw ValidationError("a checkpoint file is read only with --backend checkpoint") }
            chosen = nil
        case .checkpoint:
            let file = try Paths.checkpoint(checkpointFile)
            do { chosen = try LearnedBackend(checkpoint: file) } catch {
                throw ValidationError("--backend checkpoint \(file): \(error)")
            }
        }
        var limits = ServiceLimits()
        limits.sessions = maxSessions
        limits.sessionIdleSeconds = sessionExpiry
        limits.connections = maxConnections
        limits.idleConnectionSeconds = idleTimeout
        limits.bodySeconds = bodyTimeout
        do { try limits.validate() } catch let error as SimulatorError { throw ValidationError(error.errorDescription ?? "\(error)") }
        let registry = try SessionRegistry(defaults: defaults, backend: chosen, limits: limits)
        let host = self.host
        try await SimulatorServer.run(registry: registry, host: host, port: port) { bound in
            print("losscast simulator (\(registry.backend.name) backend) listening on http://\(host):\(bound)")
            fflush(stdout)
        }
    }
}
