// safetensors round trips, refusals of damaged files, atomic save, and Python's reader.
import Foundation
import SafeTensors
import Tensors
import TestSupport
import XCTest

final class SafeTensorsTests: XCTestCase {
    var folder = ""

    override func setUp() {
        folder = NSTemporaryDirectory() + "safetensors-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    var sample: SafeTensorsFile {
        SafeTensorsFile(
            tensors: [
                "layers.0.weight": Tensor(rows: [[1, -2.5, 3], [4e-7, 5e8, -0.0]]),
                "layers.0.bias": Tensor([0.125, -7]),
                "scalar": Tensor(3.5)
            ],
            metadata: ["model": "mlp", "encoder": "{\"fields\":[\"N\",\"D\"]}"])
    }

    func testRoundTrip() throws {
        let path = folder + "/model.safetensors"
        try sample.save(path: path)
        XCTAssertEqual(try SafeTensorsFile.load(path: path), sample)
    }

    func testLayoutFollowsTheSpecification() throws {
        let bytes = [UInt8](sample.encoded())
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        XCTAssertEqual((8 + headerLength) % 8, 0, "data should start 8-byte aligned")
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as! [String: Any]
        let bias = header["layers.0.bias"] as! [String: Any]
        XCTAssertEqual(bias["dtype"] as? String, "F32")
        XCTAssertEqual(bias["shape"] as? [Int], [2])
        let offsets = bias["data_offsets"] as! [Int]
        // 0.125 as little-endian F32 is 00 00 00 3E.
        XCTAssertEqual(Array(bytes[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[0] + 4)]), [0, 0, 0, 0x3E])
        XCTAssertEqual((header["__metadata__"] as! [String: String])["model"], "mlp")
    }

    func testTruncatedFileIsRefused() throws {
        let data = sample.encoded()
        for cut in [0, 5, 20, data.count - 3] {
            XCTAssertThrowsError(try SafeTensorsFile.decode(data.prefix(cut), path: "cut.safetensors")) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("cut.safetensors") && text.contains("truncated"), text)
            }
        }
    }

    func testCorruptedHeaderIsRefused() throws {
        var data = sample.encoded()
        data[8] = UInt8(ascii: "#")  // the JSON object's opening brace
        XCTAssertThrowsError(try SafeTensorsFile.decode(data, path: "bad.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("not valid JSON"), "\(error)")
        }
        var huge = sample.encoded()
        huge[6] = 0xFF  // header length field now absurd
        XCTAssertThrowsError(try SafeTensorsFile.decode(huge, path: "bad.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("header length"), "\(error)")
        }
        let wrongOffsets = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
        XCTAssertThrowsError(try SafeTensorsFile.decode(frame(wrongOffsets, dataBytes: 8), path: "x")) { error in
            XCTAssertTrue("\(error)".contains("needs 8 bytes"), "\(error)")
        }
        let otherType = #"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#
        XCTAssertThrowsError(try SafeTensorsFile.decode(frame(otherType, dataBytes: 4), path: "x")) { error in
            XCTAssertTrue("\(error)".contains("F16"), "\(error)")
        }
    }

    /// A file made by hand: header JSON padded to 8 bytes, then zeros.
    func frame(_ json: String, dataBytes: Int) -> Data {
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        data.append(Data(count: dataBytes))
        return data
    }

    func testInterruptedSaveLeavesThePreviousFile() throws {
        let path = folder + "/model.safetensors"
        try sample.save(path: path)
        var changed = sample
        changed.tensors["scalar"] = Tensor(99)
        XCTAssertThrowsError(try changed.save(path: path, interruptAfterBytes: 40))
        XCTAssertEqual(try SafeTensorsFile.load(path: path), sample)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(leftovers, ["model.safetensors"], "the temporary file should be gone")
    }

    /// Python's own safetensors reader opens our file and sees the same numbers.
    func testPythonSafetensorsReadsIt() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import safetensors, numpy"]
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            throw XCTSkip("python3 with safetensors and numpy is not installed (make test installs it)")
        }
        let path = folder + "/model.safetensors"
        try sample.save(path: path)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        reader.arguments = [
            "python3", "-c",
            """
            import json, sys
            from safetensors.numpy import load_file
            from safetensors import safe_open
            tensors = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="numpy") as f:
                meta = f.metadata()
            print(json.dumps({"meta": meta, "tensors": {k: {"shape": list(v.shape), "dtype": str(v.dtype),
                  "values": [float(x) for x in v.reshape(-1)]} for k, v in tensors.items()}}))
            """, path
        ]
        let pipe = Pipe()
        reader.standardOutput = pipe
        try reader.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        reader.waitUntilExit()
        XCTAssertEqual(reader.terminationStatus, 0)
        let parsed = try JSONSerialization.jsonObject(with: output) as! [String: Any]
        XCTAssertEqual((parsed["meta"] as! [String: String]), sample.metadata)
        let tensors = parsed["tensors"] as! [String: [String: Any]]
        XCTAssertEqual(Set(tensors.keys), Set(sample.tensors.keys))
        for (name, tensor) in sample.tensors {
            XCTAssertEqual(tensors[name]!["dtype"] as? String, "float32")
            XCTAssertEqual(tensors[name]!["shape"] as? [Int], tensor.shape)
            XCTAssertEqual((tensors[name]!["values"] as! [Double]).map(Float.init), tensor.scalars)
        }
    }
}

/// Seeded mutations (TestSupport's Mutator) of a valid checkpoint's bytes: every one loads
/// or is refused with a SafeTensorsError; nothing crashes or reads out of bounds.
/// LOSSCAST_MUTATIONS=N runs N.
final class SafeTensorsMutationTests: XCTestCase {
    func testMutatedFilesAreRefusedByTheirOwnError() throws {
        let file = SafeTensorsFile(
            tensors: ["layer.weight": Tensor(shape: [3, 4], scalars: (0..<12).map(Float.init)), "layer.bias": Tensor([1, 2, 3])],
            metadata: ["losscast.kind": "predictor", "note": "{\"a\": [1, 2]}"])
        let valid = file.encoded()
        var mutator = Mutator(seed: 4)
        var loaded = 0
        for index in 0..<Mutator.count(standard: 5_000) {
            let bytes = index == 0 ? Data(valid) : Data(mutator.mutate(Array(valid)))
            do { _ = try SafeTensorsFile.decode(bytes); loaded += 1 } catch is SafeTensorsError {} catch {
                XCTFail("\(type(of: error)) \(error)")
            }
        }
        XCTAssertGreaterThanOrEqual(loaded, 1, "the valid file loads")
    }
}
