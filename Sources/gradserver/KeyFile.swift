import Foundation
import GradAPI
import HTTP1
import Logging

/// The `--api-keys` file on disk: read, permission-checked and parsed (GradAPI/APIKeyFile.swift).
/// Nothing here logs or prints a key: messages name the file, the line and the key's `name`.
struct KeyFile: Sendable {
    let path: String

    /// The keys, after logging the file's warnings; a fault names the file and its line.
    func load(logger: Logger) throws(KeyFileLoadError) -> [APIKey] {
        let bytes = try read()
        warnIfReadableByOthers(logger: logger)
        do {
            let contents = try APIKeyFile.parse(bytes)
            for warning in contents.warnings { logger.warning("key file: \(warning)", metadata: ["file": "\(path)"]) }
            return contents.keys
        } catch {
            throw KeyFileLoadError(description: "\(path): \(error)")
        }
    }

    private func read() throws(KeyFileLoadError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyFileLoadError(
                description: "\(path): cannot read the key file (\(String(cString: strerror(errno))))")
        }
        return Array(data)
    }

    /// A key file that others, or a group this process is not in, may read leaks every key to the
    /// machine's other users: warn, as ssh does. A Kubernetes Secret volume with `fsGroup` is
    /// group-readable by the pod's own group, which is fine.
    func warnIfReadableByOthers(logger: Logger) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // Secret volume files are symlinks: follow them
        let mode = info.st_mode & 0o777
        let foreignGroup = mode & 0o040 != 0 && !Self.processGroups().contains(info.st_gid)
        guard mode & 0o004 != 0 || foreignGroup else { return }
        logger.warning(
            "the key file can be read by group or others; chmod 600 (or mount the Secret with defaultMode 0400)",
            metadata: ["file": "\(path)", "mode": "\(String(mode, radix: 8))"])
    }

    /// The effective group and the supplementary groups of this process.
    static func processGroups() -> Set<gid_t> {
        var groups = [gid_t](repeating: 0, count: Int(max(0, getgroups(0, nil))))
        let count = getgroups(Int32(groups.count), &groups)
        return Set(groups.prefix(Int(max(0, count)))).union([getegid()])
    }
}

struct KeyFileLoadError: Error, CustomStringConvertible {
    let description: String
}

/// SIGHUP reloads the key file (README.md "API keys"): the new keys replace the old
/// at once, connections and requests in flight carry on; a file that fails to load leaves the old
/// keys in place and the log says why.
final class SignalReload: @unchecked Sendable {
    let keyFile: KeyFile
    let access: AccessControl
    let logger: Logger
    private var source: DispatchSourceSignal?

    init(keyFile: KeyFile, access: AccessControl, logger: Logger) {
        self.keyFile = keyFile
        self.access = access
        self.logger = logger
    }

    /// Call on the main thread before `dispatchMain()`. SIGHUP is also blocked on this thread:
    /// Dispatch reads signals through a signalfd registered later on its own thread, and a SIGHUP
    /// sent in between to a thread that neither blocks nor handles it (SIG_IGN) would be dropped
    /// (seen once under load in `KeyFileReloadTests`); blocked, it waits for the signalfd.
    func install() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .main)
        source.setEventHandler { [self] in reload() }
        source.resume()
        self.source = source
    }

    func reload() {
        do {
            let keys = try keyFile.load(logger: logger)
            access.replace(keys: keys)
            logger.notice(
                "key file reloaded",
                metadata: ["file": "\(keyFile.path)", "keys": "\(keys.map(\.name).joined(separator: ","))"])
        } catch {
            logger.error(
                "key file reload failed; keeping the keys loaded before",
                metadata: ["error": "\(error)", "keys": "\(access.keyNames.joined(separator: ","))"])
        }
    }
}
