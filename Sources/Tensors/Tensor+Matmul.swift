// Matrix products through sgemm, with every transpose case, plus a naive reference kept
// beside the fast path (as llm.c does) for tests and as an algorithmic statement.
extension Tensor {
    /// op(a) x op(b). Ranks: (M, K) x (K, N); (..., M, K) x (K, N) with the leading axes of
    /// `a` folded into M (only when `a` is not transposed); and batched
    /// (B, M, K) x (B, K, N). `transposeA` / `transposeB` swap the last two axes.
    public static func matmul(_ a: Tensor, _ b: Tensor,
                              transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        if a.rank >= 2 && b.rank == 2 && (a.rank == 2 || !transposeA) {
            let rows = a.rank == 2 && transposeA ? a.shape[1] : a.count / a.shape[a.rank - 1]
            let inner = transposeA ? a.shape[0] : a.shape[a.rank - 1]
            let bInner = transposeB ? b.shape[1] : b.shape[0]
            let columns = transposeB ? b.shape[0] : b.shape[1]
            precondition(inner == bInner, "matmul inner extents differ: \(a.shape) x \(b.shape)"
                + " (transposeA \(transposeA), transposeB \(transposeB))")
            var out = [Float](repeating: 0, count: rows * columns)
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: inner,
                      a: a.scalars, b: b.scalars, c: &out)
            let leading = a.rank == 2 ? [rows] : Array(a.shape.dropLast())
            return Tensor(shape: leading + [columns], scalars: out)
        }
        precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
                     "batched matmul needs (B, M, K) x (B, K, N), got \(a.shape) x \(b.shape)")
        let batch = a.shape[0]
        let rows = transposeA ? a.shape[2] : a.shape[1]
        let inner = transposeA ? a.shape[1] : a.shape[2]
        let columns = transposeB ? b.shape[1] : b.shape[2]
        precondition(inner == (transposeB ? b.shape[2] : b.shape[1]),
                     "matmul inner extents differ: \(a.shape) x \(b.shape)")
        var out = [Float](repeating: 0, count: batch * rows * columns)
        for index in 0..<batch {
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: rows, n: columns, k: inner,
                      a: a.scalars, aOffset: index * rows * inner,
                      b: b.scalars, bOffset: index * inner * columns,
                      c: &out, cOffset: index * rows * columns)
        }
        return Tensor(shape: [batch, rows, columns], scalars: out)
    }

    /// The triple loop, in Double: the reference `matmul` is tested against. Rank 2 only.
    public static func naiveMatmul(_ a: Tensor, _ b: Tensor,
                                   transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
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
