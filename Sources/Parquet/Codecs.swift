// A page's bytes decompressed by its column chunk's codec: Snappy (ours, Snappy.swift),
// GZIP (zlib) and ZSTD (libzstd), the three that pandas, pyarrow, polars and Spark write by
// default or on request. LZ4, Brotli and LZO are refused with the one-line rewrite.
import CZlib
import CZstd

enum Codecs {
    struct Failure: Error { let problem: String }

    static func decompress(_ bytes: UnsafeBufferPointer<UInt8>, codec: Int64, size: Int) throws -> [UInt8] {
        switch Codec(rawValue: codec) {
        case .uncompressed:
            guard bytes.count == size else { throw Failure(problem: "an uncompressed page of \(bytes.count) bytes says \(size)") }
            return Array(bytes)
        case .snappy:
            do { return try Snappy.decompress(bytes, expectedSize: size) } catch let error as Malformed {
                throw Failure(problem: "corrupt Snappy data: \(error.problem)")
            }
        case .gzip: return try gzip(bytes, size: size)
        case .zstd: return try zstd(bytes, size: size)
        case let other:
            throw Failure(
                problem: "pages compressed with \(other?.name ?? "codec \(codec)"), which this reader does not decompress "
                    + "(it reads SNAPPY, GZIP, ZSTD and uncompressed)")
        }
    }

    static func gzip(_ bytes: UnsafeBufferPointer<UInt8>, size: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        // 15 + 32: a zlib or gzip header, found by its magic bytes.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(problem: "zlib would not start")
        }
        defer { inflateEnd(&stream) }
        let code = output.withUnsafeMutableBufferPointer { out -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress)
            stream.avail_in = UInt32(bytes.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            return inflate(&stream, Z_FINISH)
        }
        guard code == Z_STREAM_END, Int(stream.total_out) == size else {
            throw Failure(problem: "corrupt GZIP data (zlib code \(code), \(stream.total_out) of \(size) bytes)")
        }
        return output
    }

    static func zstd(_ bytes: UnsafeBufferPointer<UInt8>, size: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { out in
            ZSTD_decompress(out.baseAddress, out.count, UnsafeRawPointer(bytes.baseAddress), bytes.count)
        }
        if ZSTD_isError(written) != 0 {
            throw Failure(problem: "corrupt ZSTD data (\(String(cString: ZSTD_getErrorName(written))))")
        }
        guard written == size else { throw Failure(problem: "ZSTD data gives \(written) of its \(size) bytes") }
        return output
    }
}
