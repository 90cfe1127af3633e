// The one file with unsafe pointers into BLAS: a thin, shape-checked sgemm wrapper and
// OpenBLAS's runtime queries. Everything else calls these with plain arrays.
import COpenBLAS

public enum BLAS {
    /// C[cOffset...] = alpha * op(A) * op(B) + beta * C, all row-major.
    /// op(A) is (M, K) and op(B) is (K, N); A is stored (M, K), or (K, M) when transposed.
    public static func gemm(
        transposeA: Bool, transposeB: Bool,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: [Float], aOffset: Int = 0,
        b: [Float], bOffset: Int = 0,
        beta: Float = 0,
        c: inout [Float], cOffset: Int = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative gemm extent \(m)x\(n)x\(k)")
        precondition(aOffset + m * k <= a.count, "A holds \(a.count) values, needs \(aOffset + m * k)")
        precondition(bOffset + k * n <= b.count, "B holds \(b.count) values, needs \(bOffset + k * n)")
        precondition(cOffset + m * n <= c.count, "C holds \(c.count) values, needs \(cOffset + m * n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in cOffset..<(cOffset + m * n) { c[i] *= beta }
            return
        }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        a.withUnsafeBufferPointer { aPointer in
            b.withUnsafeBufferPointer { bPointer in
                c.withUnsafeMutableBufferPointer { cPointer in
                    cblas_sgemm(
                        CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k),
                        alpha,
                        aPointer.baseAddress! + aOffset, Int32(lda),
                        bPointer.baseAddress! + bOffset, Int32(ldb),
                        beta,
                        cPointer.baseAddress! + cOffset, Int32(n))
                }
            }
        }
    }

    /// OpenBLAS's name for the kernel it runs ("Prescott", "SkylakeX", ...).
    public static var coreName: String { String(cString: openblas_get_corename()) }
    /// OpenBLAS's build description, which starts with its version.
    public static var configuration: String { String(cString: openblas_get_config()) }
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
    public static func setThreadCount(_ count: Int) { openblas_set_num_threads(Int32(count)) }

    /// The version number from the build description ("0.3.21").
    public static var version: String {
        let words = configuration.split(separator: " ")
        if let index = words.firstIndex(of: "OpenBLAS"), index + 1 < words.count {
            return String(words[index + 1])
        }
        return "unknown"
    }
}
