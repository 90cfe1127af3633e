// The configuration's fields by their file names (snake_case), each with its reader, its
// writer and a line of help: the one list that reading, printing and checking share.
import ConfigTree
import Foundation
import Runs

extension CampaignConfiguration {
    struct Field {
        let name: String
        let help: String
        let read: (inout CampaignConfiguration, ConfigNode) throws -> Void
        let write: (CampaignConfiguration) -> ConfigNode
    }

    static let fields: [Field] = [
        number("initial_year", \.initialYear, "calendar year at which the campaign starts"),
        schedule("compute_schedule", \.computeSchedule, "physical compute (FLOP) by year, linear-log"),
        schedule("experiment_design_speedup", \.experimentDesignSpeedup, "speedup of experiment design by effective compute, log-log"),
        schedule("software_design_speedup", \.softwareDesignSpeedup, "speedup of software design by effective compute, log-log"),
        schedule("software_programming_speedup", \.softwareProgrammingSpeedup, "speedup of programming by effective compute, log-log"),
        schedule(
            "experiment_monitoring_efficiency", \.experimentMonitoringEfficiency,
            "runtime multiplier by effective compute, log-linear"),
        schedule("experiment_analysis_speedup", \.experimentAnalysisSpeedup, "speedup of analysis by effective compute, log-log"),
        schedule("research_taste", \.researchTaste, "fraction of the pool looked at before choosing, by effective compute, log-linear"),
        number("initial_research_taste", \.initialResearchTaste, "taste at the start and throughout without automation"),
        schedule("experiments_per_team", \.experimentsPerTeam, "experiments in their runtime at once per team, by algorithmic efficiency"),
        lognormal("experiment_design_weeks", \.experimentDesignWeeks, "lognormal (mu, sigma of ln weeks) of experiment design"),
        lognormal("software_design_weeks", \.softwareDesignWeeks, "lognormal of software design"),
        lognormal("software_programming_weeks", \.softwareProgrammingWeeks, "lognormal of software programming"),
        lognormal("experiment_analysis_weeks", \.experimentAnalysisWeeks, "lognormal of the analysis of results"),
        number("runtime_weeks_p5", \.runtimeWeeksP5, "5th percentile of an experiment's runtime in weeks"),
        number("runtime_weeks_p95", \.runtimeWeeksP95, "95th percentile of an experiment's runtime in weeks"),
        number("efficiency_gain_p5", \.efficiencyGainP5, "5th percentile of AEM - 1, an experiment's gain"),
        number("efficiency_gain_p95", \.efficiencyGainP95, "95th percentile of AEM - 1"),
        number("runtime_swap_fraction", \.runtimeSwapFraction, "random swaps, as a fraction of the pool, loosening runtime ~ gain"),
        integer("experiments", \.experiments, "experiments in the pool at the start"),
        integer("teams", \.teams, "research teams"),
        integer("prioritization_cadence", \.prioritizationCadence, "experiments chosen each time priorities are recomputed"),
        choice("taste_rule", \.tasteRule, "top-k (sample a fraction, take the best) or weighted ((priority + 1)^taste)"),
        number("stop_year", \.stopYear, "stop at this year"),
        number("stop_effective_compute", \.stopEffectiveCompute, "stop past this effective compute"),
        number("stop_algorithmic_efficiency", \.stopAlgorithmicEfficiency, "stop past this algorithmic efficiency"),
        integer("stop_experiments_left", \.stopExperimentsLeft, "stop when this many experiments are left"),
        flag("automation", \.automation, "speedups and taste follow effective compute (the no-automation run sets false)"),
        number("team_taste_spread", \.teamTasteSpread, "sd of ln(a team's taste multiplier); 0: teams alike"),
        integer("pool_growth_per_doubling", \.poolGrowthPerDoubling, "experiments added each time physical compute doubles"),
        flag("priority_counts_runtime", \.priorityCountsRuntime, "priority divides the gain by the duration with runtime"),
        number("estimate_noise", \.estimateNoise, "sd of the log-normal error with which teams see a gain; 0: exactly"),
        flag("reference_time_steps_back", \.referenceTimeStepsBack, "reference quirk: the clock may go back to the earliest free team"),
        flag(
            "reference_drops_last_batch", \.referenceDropsLastBatch,
            "reference quirk: chosen experiments left when the pool empties never run")
    ]

    // MARK: Reading

    /// The configuration in `text` (YAML or JSON) over the defaults; `origin` names it in errors.
    public static func parse(_ text: String, origin: String) throws -> CampaignConfiguration {
        do {
            return try read(try ConfigurationFile.parse(text, origin: origin), origin: origin)
        } catch let error as ConfigurationFileError {
            throw CampaignConfigurationError(error.message)
        }
    }

    public static func load(path: String) throws -> CampaignConfiguration {
        do {
            return try read(try ConfigurationFile.load(path: path), origin: path)
        } catch let error as ConfigurationFileError {
            throw CampaignConfigurationError(error.message)
        }
    }

    static func read(_ tree: ConfigNode, origin: String) throws -> CampaignConfiguration {
        guard case .object(let entries) = tree else {
            throw CampaignConfigurationError("\(origin): expected an object of fields such as {\"teams\": 10}")
        }
        var configuration = CampaignConfiguration()
        let names = fields.map(\.name)
        for entry in entries {
            guard let field = fields.first(where: { $0.name == entry.key }) else {
                throw CampaignConfigurationError(
                    "\(origin): unknown field '\(entry.key)'\(NearMatch.hint(for: entry.key, in: names)); "
                        + "`losscast campaign --print-config` lists them")
            }
            do { try field.read(&configuration, entry.value) } catch let error as CampaignConfigurationError {
                throw CampaignConfigurationError("\(origin): field '\(field.name)': \(error.message)")
            }
        }
        try configuration.validate(origin: origin)
        return configuration
    }

    /// Checks every field's range; the error names the field and what it accepts.
    public func validate(origin: String = "configuration") throws {
        func fail(_ field: String, _ message: String) -> CampaignConfigurationError {
            CampaignConfigurationError("\(origin): field '\(field)': \(message)")
        }
        let schedules: [(String, Schedule)] = [
            ("compute_schedule", computeSchedule), ("experiment_design_speedup", experimentDesignSpeedup),
            ("software_design_speedup", softwareDesignSpeedup), ("software_programming_speedup", softwareProgrammingSpeedup),
            ("experiment_monitoring_efficiency", experimentMonitoringEfficiency),
            ("experiment_analysis_speedup", experimentAnalysisSpeedup), ("research_taste", researchTaste),
            ("experiments_per_team", experimentsPerTeam)
        ]
        for (name, schedule) in schedules {
            if let problem = schedule.problem() { throw fail(name, problem) }
        }
        let positive: [(String, Double)] = [
            ("runtime_weeks_p5", runtimeWeeksP5), ("runtime_weeks_p95", runtimeWeeksP95),
            ("efficiency_gain_p5", efficiencyGainP5), ("efficiency_gain_p95", efficiencyGainP95),
            ("initial_research_taste", initialResearchTaste), ("stop_effective_compute", stopEffectiveCompute),
            ("stop_algorithmic_efficiency", stopAlgorithmicEfficiency)
        ]
        for (name, value) in positive where !(value > 0 && value.isFinite) { throw fail(name, "must be a positive number, is \(value)") }
        if runtimeWeeksP95 <= runtimeWeeksP5 { throw fail("runtime_weeks_p95", "must be above runtime_weeks_p5 (\(runtimeWeeksP5))") }
        if efficiencyGainP95 <= efficiencyGainP5 {
            throw fail("efficiency_gain_p95", "must be above efficiency_gain_p5 (\(efficiencyGainP5))")
        }
        for (name, distribution) in [
            ("experiment_design_weeks", experimentDesignWeeks), ("software_design_weeks", softwareDesignWeeks),
            ("software_programming_weeks", softwareProgrammingWeeks),
            ("experiment_analysis_weeks", experimentAnalysisWeeks)
        ]
        where !(distribution.mu.isFinite && distribution.sigma >= 0 && distribution.sigma.isFinite) {
            throw fail(name, "needs a finite mu and a sigma >= 0")
        }
        if !(0...1).contains(runtimeSwapFraction) {
            throw fail("runtime_swap_fraction", "must be between 0 and 1, is \(runtimeSwapFraction)")
        }
        if !(1...1_000_000).contains(experiments) { throw fail("experiments", "must be 1 to 1,000,000, is \(experiments)") }
        if !(1...10_000).contains(teams) { throw fail("teams", "must be 1 to 10,000, is \(teams)") }
        if prioritizationCadence < 1 { throw fail("prioritization_cadence", "must be at least 1, is \(prioritizationCadence)") }
        if !(initialYear.isFinite && stopYear.isFinite && stopYear > initialYear) {
            throw fail("stop_year", "must be after initial_year (\(initialYear)), is \(stopYear)")
        }
        if stopExperimentsLeft < 0 { throw fail("stop_experiments_left", "must be 0 or more") }
        if !(teamTasteSpread >= 0 && teamTasteSpread.isFinite) { throw fail("team_taste_spread", "must be 0 or more") }
        if !(0...1_000_000).contains(poolGrowthPerDoubling) { throw fail("pool_growth_per_doubling", "must be 0 to 1,000,000") }
        if !(estimateNoise >= 0) { throw fail("estimate_noise", "must be 0 or more") }
    }

    // MARK: Writing

    /// Every field and its value, in the table's order.
    public var values: ConfigNode {
        .object(Self.fields.map { .init($0.name, $0.write(self)) })
    }

    /// YAML with a comment line per field: what `--print-config` prints, ready to edit.
    public func yaml() -> String {
        var lines = [
            "# losscast campaign configuration; every field, with the reference model's defaults.",
            "# Schedules are lists of [key, value] points."
        ]
        for field in Self.fields {
            lines.append("# \(field.help)")
            lines.append("\(field.name): \(Self.flow(field.write(self)))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON with the fields in the table's order.
    public func json() -> String {
        "{\n" + Self.fields.map { "  \"\($0.name)\": \(Self.flow($0.write(self)))" }.joined(separator: ",\n") + "\n}\n"
    }

    /// One value on one line, in the syntax JSON and YAML share.
    static func flow(_ value: ConfigNode) -> String {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .string(let text): "\"\(text)\""
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .list(let items): "[" + items.map(flow).joined(separator: ", ") + "]"
        case .object(let entries): "{" + entries.map { "\"\($0.key)\": \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}

// MARK: - Field constructors

private func expectNumber(_ value: ConfigNode) throws -> Double {
    guard case .number(let number) = value else { throw CampaignConfigurationError("expected a number, got \(value.kind)") }
    guard number.isFinite else { throw CampaignConfigurationError("expected a finite number, got \(number)") }
    return number
}

private func number(_ name: String, _ path: WritableKeyPath<CampaignConfiguration, Double>, _ help: String) -> CampaignConfiguration.Field {
    .init(name: name, help: help, read: { $0[keyPath: path] = try expectNumber($1) }, write: { .number($0[keyPath: path]) })
}

private func integer(_ name: String, _ path: WritableKeyPath<CampaignConfiguration, Int>, _ help: String) -> CampaignConfiguration.Field {
    .init(
        name: name, help: help,
        read: { configuration, value in
            let number = try expectNumber(value)
            guard number == number.rounded(), abs(number) < 1e15 else {
                throw CampaignConfigurationError("expected a whole number, got \(number)")
            }
            configuration[keyPath: path] = Int(number)
        }, write: { .number(Double($0[keyPath: path])) })
}

private func flag(_ name: String, _ path: WritableKeyPath<CampaignConfiguration, Bool>, _ help: String) -> CampaignConfiguration.Field {
    .init(
        name: name, help: help,
        read: { configuration, value in
            guard case .bool(let flag) = value else { throw CampaignConfigurationError("expected true or false, got \(value.kind)") }
            configuration[keyPath: path] = flag
        }, write: { .bool($0[keyPath: path]) })
}

private func choice(
    _ name: String, _ path: WritableKeyPath<CampaignConfiguration, CampaignConfiguration.TasteRule>,
    _ help: String
) -> CampaignConfiguration.Field {
    let names = CampaignConfiguration.TasteRule.allCases.map(\.rawValue)
    return .init(
        name: name, help: help,
        read: { configuration, value in
            guard case .string(let text) = value, let rule = CampaignConfiguration.TasteRule(rawValue: text) else {
                throw CampaignConfigurationError("expected one of \(names.joined(separator: ", ")), got \(value.kind)")
            }
            configuration[keyPath: path] = rule
        }, write: { .string($0[keyPath: path].rawValue) })
}

private func lognormal(_ name: String, _ path: WritableKeyPath<CampaignConfiguration, Lognormal>, _ help: String)
    -> CampaignConfiguration.Field
{
    .init(
        name: name, help: help,
        read: { configuration, value in
            guard case .object(let entries) = value else {
                throw CampaignConfigurationError("expected {\"mu\": ..., \"sigma\": ...}, got \(value.kind)")
            }
            var distribution = configuration[keyPath: path]
            for entry in entries {
                switch entry.key {
                case "mu": distribution.mu = try expectNumber(entry.value)
                case "sigma": distribution.sigma = try expectNumber(entry.value)
                default:
                    throw CampaignConfigurationError(
                        "unknown key '\(entry.key)'\(NearMatch.hint(for: entry.key, in: ["mu", "sigma"])); expected mu and sigma")
                }
            }
            configuration[keyPath: path] = distribution
        }, write: { .object([.init("mu", .number($0[keyPath: path].mu)), .init("sigma", .number($0[keyPath: path].sigma))]) })
}

/// A schedule from a list of [key, value] points, or an object whose keys are numbers.
private func schedule(_ name: String, _ path: WritableKeyPath<CampaignConfiguration, Schedule>, _ help: String)
    -> CampaignConfiguration.Field
{
    .init(
        name: name, help: help,
        read: { configuration, value in
            var points: [(Double, Double)] = []
            switch value {
            case .list(let items):
                for item in items {
                    guard case .list(let pair) = item, pair.count == 2 else {
                        throw CampaignConfigurationError("expected points [key, value], got \(CampaignConfiguration.flow(item).prefix(60))")
                    }
                    points.append((try expectNumber(pair[0]), try expectNumber(pair[1])))
                }
            case .object(let entries):
                for entry in entries {
                    guard let key = Double(entry.key) else { throw CampaignConfigurationError("key '\(entry.key)' is not a number") }
                    points.append((key, try expectNumber(entry.value)))
                }
            default:
                throw CampaignConfigurationError("expected a list of [key, value] points, got \(value.kind)")
            }
            let interpolation = configuration[keyPath: path].interpolation
            let schedule = Schedule(points, interpolation)
            if let problem = schedule.problem() { throw CampaignConfigurationError(problem) }
            configuration[keyPath: path] = schedule
        },
        write: { configuration in
            let schedule = configuration[keyPath: path]
            return .list(zip(schedule.keys, schedule.values).map { .list([.number($0), .number($1)]) })
        })
}
