// Matrix products through sgemm, with every transpose case, plus a naive reference kept
// beside the fast path (as llm.c does) for tests and as an algorithmic statement.
import Foundation

/// Counts the time and work of `Tensor.matmul` calls, output allocation included, for the
/// benchmark's comparison against bare sgemm. Off (nil) unless a benchmark turns it on;
/// not thread-safe.
public final class MatmulProfile {
    public var seconds: Double = 0
    public var floatingPointOperations: Double = 0
    public var calls = 0
    /// (m, n, k, transposeA, transposeB) of each call, in order.
    public var shapes: [(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool)] = []
    public var recordsShapes = false
    public nonisolated(unsafe) static var current: MatmulProfile?
    public init() {}
}

extension Tensor {
    /// `matmul`, timed into `MatmulProfile.current` when profiling is on.
    public static func matmul(
        _ a: Tensor, _ b: Tensor,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        guard let profile = MatmulProfile.current else {
            return unprofiledMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = unprofiledMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
        profile.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let inner = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let rows = result.count / result.shape[result.rank - 1]
        profile.floatingPointOperations += 2 * Double(result.count) * Double(inner)
        profile.calls += 1
        if profile.recordsShapes {
            if a.rank == 3 && b.rank == 3 {
                for _ in 0..<a.shape[0] {
                    profile.shapes.append((result.shape[1], result.shape[2], inner, transposeA, transposeB))
                }
            } else {
                profile.shapes.append((rows, result.shape[result.rank - 1], inner, transposeA, transposeB))
            }
        }
        return result
    }

    /// op(a) x op(b). Ranks: (M, K) x (K, N); (..., M, K) x (K, N) with the leading axes of
    /// `a` folded into M (only when `a` is not transposed); and batched
    /// (B, M, K) x (B, K, N). `transposeA` / `transposeB` swap the last two axes.
    static func unprofiledMatmul(
        _ a: Tensor, _ b: Tensor,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        if a.rank >= 2 && b.rank == 2 && (a.rank == 2 || !transposeA) {
            let rows = a.rank == 2 && transposeA ? a.shape[1] : a.count / a.shape[a.rank - 1]
            let inner = transposeA ? a.shape[0] : a.shape[a.rank - 1]
            let bInner = transposeB ? b.shape[1] : b.shape[0]
            let columns = transposeB ? b.shape[0] : b.shape[1]
            precondition(
                inner == bInner,
                "matmul inner extents differ: \(a.shape) x \(b.shape)"
                    + " (transposeA \(transposeA), transposeB \(transposeB))")
            var out = uninitializedOutput(rows * columns)
            BLAS.gemm(
                transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: inner,
                a: a.scalars, b: b.scalars, c: &out)
            let leading = a.rank == 2 ? [rows] : Array(a.shape.dropLast())
            return Tensor(shape: leading + [columns], scalars: out)
        }
        precondition(
            a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
            "batched matmul needs (B, M, K) x (B, K, N), got \(a.shape) x \(b.shape)")
        let batch = a.shape[0]
        let rows = transposeA ? a.shape[2] : a.shape[1]
        let inner = transposeA ? a.shape[1] : a.shape[2]
        let columns = transposeB ? b.shape[1] : b.shape[2]
        precondition(
            inner == (transposeB ? b.shape[2] : b.shape[1]),
            "matmul inner extents differ: \(a.shape) x \(b.shape)")
        var out = uninitializedOutput(batch * rows * columns)
        for index in 0..<batch {
            BLAS.gemm(
                transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: inner,
                a: a.scalars, aOffset: index * rows * inner,
                b: b.scalars, bOffset: index * inner * columns,
                c: &out, cOffset: index * rows * columns)
        }
        return Tensor(shape: [batch, rows, columns], scalars: out)
    }

    /// x W + b in one sgemm: C starts as the bias row repeated and sgemm adds x W with
    /// beta = 1. x (..., In), weight (In, Out), bias (Out) -> (..., Out).
    public static func affine(_ x: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
        precondition(
            weight.rank == 2 && x.rank >= 1 && x.shape[x.rank - 1] == weight.shape[0],
            "affine: input \(x.shape) does not fit weight \(weight.shape)")
        precondition(bias.shape == [weight.shape[1]], "affine: bias \(bias.shape) for weight \(weight.shape)")
        let inner = weight.shape[0], columns = weight.shape[1]
        let rows = x.count / inner
        let start = MatmulProfile.current == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        var out = [Float]()
        out.reserveCapacity(rows * columns)
        for _ in 0..<rows { out.append(contentsOf: bias.scalars) }
        BLAS.gemm(
            transposeA: false, transposeB: false, m: rows, n: columns, k: inner,
            a: x.scalars, b: weight.scalars, beta: 1, c: &out)
        if let profile = MatmulProfile.current {
            profile.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            profile.floatingPointOperations += 2 * Double(rows * columns * inner)
            profile.calls += 1
            if profile.recordsShapes { profile.shapes.append((rows, columns, inner, false, false)) }
        }
        return Tensor(shape: Array(x.shape.dropLast()) + [columns], scalars: out)
    }

    /// Output storage for sgemm with beta = 0, which writes every element of C without
    /// reading it, so zero-filling first would only cost a pass over memory.
    static func uninitializedOutput(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The triple loop, in Double: the reference `matmul` is tested against. Rank 2 only.
    public static func naiveMatmul(
        _ a: Tensor, _ b: Tensor,
        transposeA: Bool = false, transposeB: Bool = false
    ) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "naiveMatmul takes matrices")
        let rows = transposeA ? a.shape[1] : a.shape[0]
        let inner = transposeA ? a.shape[0] : a.shape[1]
        let columns = transposeB ? b.shape[0] : b.shape[1]
        var out = Tensor(zeros: [rows, columns])
        for i in 0..<rows {
            for j in 0..<columns {
                var total: Double = 0
                for k in 0..<inner {
                    let x = transposeA ? a[k, i] : a[i, k]
                    let y = transposeB ? b[j, k] : b[k, j]
                    total += Double(x) * Double(y)
                }
                out[i, j] = Float(total)
            }
        }
        return out
    }
}
