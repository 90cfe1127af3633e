// Seeded mutations of valid inputs, for the parsers libFuzzer's target (Tools/fuzz) cannot
// link (YAML through Yams, safetensors over OpenBLAS, the service's bodies): flipped and
// inserted bytes, cut and repeated ranges, and tokens that break parsers (anchors,
// brackets, huge numbers, NaN, NUL). A parser passes when every input either parses or
// throws its own error type; a crash or another error is a finding.
import Foundation

public struct Mutator {
    /// Inputs per test: LOSSCAST_MUTATIONS, else `standard` (a few seconds in CI).
    public static func count(standard: Int) -> Int {
        ProcessInfo.processInfo.environment["LOSSCAST_MUTATIONS"].flatMap(Int.init) ?? standard
    }

    static let tokens: [[UInt8]] = [
        "&a ", "*a", "<<: *a", "[", "]", "{", "}", "\"", "'", ":", ",", "\n", "- ", "1e308", "-1e308",
        "NaN", "Infinity", "-0", "null", "true", "0", "\u{0}", "\u{FF}", "!!binary ", "? ", "|\n", "\\u0000",
        "99999999999999999999", "\t", "#"
    ].map { Array($0.utf8) }
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    /// One to four mutations of `input`.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + below(4)) {
            let at = below(bytes.count + 1)
            switch below(6) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] ^= UInt8(1 << below(8))
            case 1: bytes.insert(UInt8(below(256)), at: at)
            case 2 where !bytes.isEmpty: bytes.removeSubrange(min(at, bytes.count - 1)..<min(bytes.count, at + 1 + below(16)))
            case 3 where !bytes.isEmpty:
                let start = min(at, bytes.count - 1), piece = Array(bytes[start..<min(bytes.count, start + 1 + below(32))])
                bytes.insert(contentsOf: Array(repeating: piece, count: 1 + below(3)).joined(), at: below(bytes.count + 1))
            default: bytes.insert(contentsOf: Self.tokens[below(Self.tokens.count)], at: at)
            }
        }
        return bytes
    }

    /// `count` mutations of the seeds, each handed to `body` (seeds first, unmutated).
    public mutating func forEach(of seeds: [String], count: Int, _ body: (Data) throws -> Void) rethrows {
        let inputs = seeds.map { Array($0.utf8) }
        for input in inputs { try body(Data(input)) }
        for index in 0..<count { try body(Data(mutate(inputs[index % inputs.count]))) }
    }
}
