// Reading and writing the safetensors format (huggingface/safetensors), which Python's
// `safetensors` and most model tools read:
//   8 bytes        little-endian UInt64 N, the header's length
//   N bytes        JSON: {"__metadata__": {String: String},
//                         NAME: {"dtype": "F32", "shape": [...], "data_offsets": [BEGIN, END]}}
//                  padded with spaces to a multiple of 8
//   the rest       the tensors' bytes, little-endian, back to back with no gaps
// LossCast writes and reads F32 only. Saving is atomic; loading checks every offset.
import Foundation
import Tensors

public struct SafeTensorsFile: Equatable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

extension SafeTensorsFile {
    /// Headers larger than this are refused as implausible (the format's own limit is 100 MB).
    static let maximumHeaderLength = 100_000_000

    // MARK: Encoding

    public func encoded() -> Data {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let length = tensor.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + length]]
            offset += length
        }
        var headerBytes = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        for name in names {
            let littleEndian = tensors[name]!.scalars.map { $0.bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    // MARK: Decoding

    /// Parses and checks a whole file's bytes. `path` only names the file in errors.
    public static func decode(_ data: Data, path: String = "<memory>") throws -> SafeTensorsFile {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw SafeTensorsError.truncated(path, "the file is \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw SafeTensorsError.corrupted(path, "the header length field says \(headerLength) bytes, more than the format allows")
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= bytes.count else {
            throw SafeTensorsError.truncated(path, "the header says it is \(headerLength) bytes but only \(bytes.count - 8) follow")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw SafeTensorsError.corrupted(path, "the \(headerLength)-byte header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else {
            throw SafeTensorsError.corrupted(path, "the header is JSON but not an object")
        }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let dictionary = raw as? [String: Any] else {
                throw SafeTensorsError.corrupted(path, "__metadata__ is not an object")
            }
            for (key, value) in dictionary {
                guard let text = value as? String else {
                    throw SafeTensorsError.corrupted(path, "__metadata__ field '\(key)' is not a string")
                }
                metadata[key] = text
            }
        }
        let dataLength = bytes.count - headerEnd
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, raw) in header where name != "__metadata__" {
            entries.append(try parseEntry(name: name, raw: raw, path: path))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            guard entry.begin == expectedBegin else {
                throw SafeTensorsError.corrupted(
                    path,
                    "tensor '\(entry.name)' starts at byte \(entry.begin) of the data, expected \(expectedBegin): tensors overlap or leave a gap"
                )
            }
            guard entry.end <= dataLength else {
                throw SafeTensorsError.truncated(
                    path, "tensor '\(entry.name)' ends at data byte \(entry.end) but the data holds \(dataLength) bytes")
            }
            var scalars = [Float](repeating: 0, count: entry.shape.product)
            for i in 0..<scalars.count {
                let at = headerEnd + entry.begin + 4 * i
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                scalars[i] = Float(bitPattern: bits)
            }
            tensors[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
            expectedBegin = entry.end
        }
        guard expectedBegin == dataLength else {
            throw SafeTensorsError.corrupted(
                path, "the tensors cover \(expectedBegin) data bytes but the file holds \(dataLength): bytes are left over")
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    private static func parseEntry(name: String, raw: Any, path: String) throws
        -> (name: String, shape: [Int], begin: Int, end: Int)
    {
        guard let entry = raw as? [String: Any] else {
            throw SafeTensorsError.corrupted(path, "header entry '\(name)' is not an object")
        }
        guard let dtype = entry["dtype"] as? String else {
            throw SafeTensorsError.corrupted(path, "tensor '\(name)' has no dtype")
        }
        guard dtype == "F32" else {
            throw SafeTensorsError(
                path: path, problem: "tensor '\(name)' has dtype \(dtype)",
                hint: "LossCast reads F32 tensors only; convert the checkpoint to float32.")
        }
        guard let shape = (entry["shape"] as? [Any])?.compactMap(asInteger), shape.count == (entry["shape"] as? [Any])?.count,
            shape.allSatisfy({ $0 >= 0 })
        else {
            throw SafeTensorsError.corrupted(path, "tensor '\(name)' has no valid shape (a list of non-negative integers)")
        }
        guard let offsets = (entry["data_offsets"] as? [Any])?.compactMap(asInteger), offsets.count == 2,
            offsets[0] >= 0, offsets[1] >= offsets[0]
        else {
            throw SafeTensorsError.corrupted(path, "tensor '\(name)' has no valid data_offsets (two integers, begin <= end)")
        }
        guard offsets[1] - offsets[0] == shape.product * 4 else {
            throw SafeTensorsError.corrupted(
                path, "tensor '\(name)' of shape \(shape) needs \(shape.product * 4) bytes but its offsets span \(offsets[1] - offsets[0])")
        }
        return (name, shape, offsets[0], offsets[1])
    }

    private static func asInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, Double(number.int64Value) == number.doubleValue else { return nil }
        return Int(number.int64Value)
    }
}
