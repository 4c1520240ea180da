import ArgumentParser
import ConvEngine
import Dispatch
import Foundation
import GradAPI
import HTTP1
import HTTPServer
import Logging

/// `gradserver`: serves the API until SIGTERM/SIGINT, then drains and exits 0.
/// Every option can also be set by an environment variable `GRADSERVER_<NAME>` (flags win).
struct GradServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gradserver", abstract: "Serve the ConvGrad HTTP/1.1 API.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var api: APIOptions

    func run() throws {
        let format = server.logFormat
        LoggingSystem.bootstrap { label in
            format == .json
                ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label) as any LogHandler
        }
        ProcessLimits.raiseOpenFileLimit()
        // Keep freed tensor memory in the process: otherwise glibc returns each request's large
        // buffers to the kernel and the next request page-faults them back in (mnist 32 ms -> 4.5 ms).
        _ = AllocatorTuning.retainFreedMemory()
        var logger = Logger(label: "gradserver")
        logger.logLevel = server.logLevel
        let kernels = try selectKernels(logger: logger)
        var configuration = server.configuration()
        configuration.infoLabels = kernels
        configuration.releaseCachesWhenIdle = { AllocatorTuning.releaseCachedBuffers() }
        let reload = try accessControl(logger: logger).map { keyFile, access in
            configuration.accessControl = access
            return SignalReload(keyFile: keyFile, access: access, logger: logger)
        }
        let httpServer = try Server(configuration: configuration, routes: api.routes(), logger: logger)
        // Signal sources first: a SIGTERM sent as soon as the line below is read must not be lost,
        // so the line waits until Dispatch has registered them.
        let signals = SignalDrain(server: httpServer, logger: logger)
        signals.install()
        reload?.install()
        let handled = [SIGTERM, SIGINT] + (reload == nil ? [] : [SIGHUP])
        if !SignalRegistration.awaitDispatch(handling: handled) {
            logger.warning("signal handlers not registered yet; a signal sent now may be lost")
        }
        let port = try httpServer.start()
        print("listening on http://\(server.displayHost):\(port)")
        fflush(nil)  // all output streams: stdout may be a pipe
        dispatchMain()
    }

    /// With `--api-keys`, the loaded keys; a file that does not load stops the server here.
    private func accessControl(logger: Logger) throws -> (KeyFile, AccessControl)? {
        let path = server.apiKeys
        guard !path.isEmpty else { return nil }
        let keyFile = KeyFile(path: path)
        let keys = try keyFile.load(logger: logger)
        logger.notice(
            "access control on", metadata: ["file": "\(path)", "keys": "\(keys.map(\.name).joined(separator: ","))"])
        return (keyFile, AccessControl(keys: keys))
    }
}

/// GRADSERVER_KERNELS (avx512|avx2|portable), else the fastest path this CPU runs; a path the CPU
/// lacks stops the server here with a message, before it computes anything (issue 17). Returns
/// the choice as /metrics labels (`server_info{kernels=...,cpu_supports=...} 1`).
private func selectKernels(logger: Logger) throws -> [(String, String)] {
    let kernels: KernelPath
    do { kernels = try KernelPath.fromEnvironment() } catch { throw ValidationError(error.description) }
    try KernelPath.select(kernels)
    let supported = KernelPath.supported.map(\.rawValue).joined(separator: ",")
    logger.notice("gemm kernels", metadata: ["kernels": "\(kernels.rawValue)", "cpu_supports": "\(supported)"])
    return [("kernels", kernels.rawValue), ("cpu_supports", supported)]
}

/// SIGTERM and SIGINT start a drain (via Dispatch signal sources); exit 0 when it completes.
final class SignalDrain: @unchecked Sendable {
    let server: Server
    let logger: Logger
    private var sources: [DispatchSourceSignal] = []

    init(server: Server, logger: Logger) {
        self.server = server
        self.logger = logger
    }

    func install() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { [self] in beginDrain(number) }
            source.resume()
            sources.append(source)
        }
    }

    private func beginDrain(_ number: Int32) {
        logger.notice("draining", metadata: ["signal": "\(number)"])
        server.drain { [logger] in
            logger.notice("drained; exiting")
            exit(0)
        }
    }
}
