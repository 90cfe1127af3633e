// The nearest known name to a mistyped one, for errors that say "did you mean ...".
// Optimal string alignment distance (Levenshtein plus adjacent transpositions), on
// lowercased names, accepted when it is small against the name's length.
import Foundation

public enum NearMatch {
    /// The candidate closest to `name`, or nil when none is close enough to be a typo
    /// (at most a third of the longer name's characters changed, and at most 3, or `limit`).
    public static func nearest(to name: String, in candidates: some Sequence<String>, limit: Int = 3) -> String? {
        let typed = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let known = Array(candidate.lowercased())
            let distance = Self.distance(typed, known)
            let allowed = min(limit, max(1, max(typed.count, known.count) / 3))
            guard distance <= allowed else { continue }
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        return best?.name
    }

    /// " (did you mean 'x'?)" or "", for the end of an error message.
    public static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        nearest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
