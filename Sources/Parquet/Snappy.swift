// Snappy decompression (google/snappy's format_description.txt), the codec pandas and
// pyarrow write Parquet with by default. A stream is the uncompressed length as a varint,
// then elements: literals (bytes as they are) and copies (length and offset back into what
// is already written; a copy may overlap its own output, which repeats a pattern). Every
// length and offset is checked against the input and the stated size.
enum Snappy {
    static func decompress(_ input: UnsafeBufferPointer<UInt8>, expectedSize: Int) throws -> [UInt8] {
        var cursor = ByteCursor(bytes: input)
        let length = try cursor.varint()
        guard length == UInt64(expectedSize) else {
            throw Malformed(problem: "the stream says \(length) bytes, the page header \(expectedSize)")
        }
        var output = [UInt8]()
        output.reserveCapacity(expectedSize)
        while cursor.remaining > 0 {
            let tag = Int(try cursor.byte())
            switch tag & 3 {
            case 0:  // literal
                var count = tag >> 2
                if count >= 60 { count = try cursor.littleEndian(count - 59) }
                count += 1
                guard output.count + count <= expectedSize else {
                    throw Malformed(problem: "a literal of \(count) bytes runs past the end")
                }
                output.append(contentsOf: try cursor.take(count))
            default:
                let count: Int, offset: Int
                switch tag & 3 {
                case 1:
                    count = 4 + ((tag >> 2) & 7)
                    offset = (tag >> 5) << 8 | Int(try cursor.byte())
                case 2:
                    count = 1 + (tag >> 2)
                    offset = try cursor.littleEndian(2)
                default:
                    count = 1 + (tag >> 2)
                    offset = try cursor.littleEndian(4)
                }
                guard offset > 0, offset <= output.count, output.count + count <= expectedSize else {
                    throw Malformed(problem: "a copy of \(count) bytes from \(offset) back is out of range")
                }
                let start = output.count - offset
                for index in 0..<count { output.append(output[start + index]) }  // may overlap its own output
            }
        }
        guard output.count == expectedSize else {
            throw Malformed(problem: "the stream gives \(output.count) of its \(expectedSize) bytes")
        }
        return output
    }
}
