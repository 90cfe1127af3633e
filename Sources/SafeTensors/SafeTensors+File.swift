// Files on disk: an atomic save (temporary file beside the target, fsync, rename, fsync of
// the folder), so a crash mid-save leaves the previous checkpoint whole, and a load that
// turns every problem into a SafeTensorsError.
import Foundation

extension SafeTensorsFile {
    public static func load(path: String) throws -> SafeTensorsFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SafeTensorsError(
                path: path, problem: "no such file", hint: "Check the path, or train a checkpoint with `losscast train`.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError(path: path, problem: "the file cannot be read", hint: "Check its permissions.")
        }
        return try decode(data, path: path)
    }

    /// Removes temporary files of this target left by a save that was killed: those whose
    /// process (the number after `.tmp-`) no longer runs. A live save's file is left alone.
    static func removeAbandoned(prefix: String, in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { unlink(folder + "/" + name) }
        }
    }

    /// Writes the file atomically. `interruptAfterBytes`, for tests, stops the write part way
    /// with an error, as a crash would, before the rename.
    public func save(path: String, interruptAfterBytes: Int? = nil) throws {
        let bytes = encoded()
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let prefix = "." + url.lastPathComponent + ".tmp-"
        Self.removeAbandoned(prefix: prefix, in: folder)
        let temporary = folder + "/" + prefix + "\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError(
                path: path, problem: "cannot create \(temporary) (errno \(errno))",
                hint: "Check that the folder exists and is writable.")
        }
        var removeTemporary = true
        defer {
            if removeTemporary { unlink(temporary) }
        }
        let limit = min(interruptAfterBytes ?? bytes.count, bytes.count)
        let written = bytes.withUnsafeBytes { buffer -> Int in
            var done = 0
            while done < limit {
                let result = write(descriptor, buffer.baseAddress! + done, limit - done)
                if result <= 0 { break }
                done += result
            }
            return done
        }
        if written < bytes.count {
            close(descriptor)
            throw SafeTensorsError(
                path: path, problem: "the write stopped after \(written) of \(bytes.count) bytes",
                hint: "The previous file at this path is unchanged; check free disk space.")
        }
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            throw SafeTensorsError(path: path, problem: "fsync failed (errno \(errno))", hint: "The previous file is unchanged.")
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            throw SafeTensorsError(
                path: path, problem: "rename from \(temporary) failed (errno \(errno))",
                hint: "The previous file is unchanged.")
        }
        removeTemporary = false
        let folderDescriptor = open(folder, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
