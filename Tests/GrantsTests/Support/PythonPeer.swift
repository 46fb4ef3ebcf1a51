import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real peer in its own process for one test, written in Python so it checks our bytes with
/// another implementation: the SMTP server (aiosmtpd, `smtp_sink.py`: the messages it accepted,
/// decoded by Python's e-mail parser) or the webhook receiver (`webhook_receiver.py`: each request,
/// its HMAC verified with Python's `hmac`). One JSON object per record.
final class PythonPeer: @unchecked Sendable {  // `process` and `port` are set in `start`, before it returns
    let process = Process()
    private(set) var port = 0
    let out: URL
    private let input = Pipe()

    static var python: URL { TestApp.root.appendingPathComponent(".build/venv/bin/python") }

    static func start(auth: String? = nil, delaySeconds: Double = 0) async throws -> PythonPeer {
        var arguments: [String] = []
        if let auth { arguments += ["--auth", auth] }
        if delaySeconds > 0 { arguments += ["--delay", String(delaySeconds)] }
        return try await launch(script: "smtp_sink.py", arguments: arguments)
    }

    /// Starts `Support/<script> <out> <arguments>` and waits for its "PORT <n>" line.
    static func launch(script: String, arguments extra: [String]) async throws -> PythonPeer {
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .build/venv: run scripts/python-tools.sh (make test does)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cx-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let sink = PythonPeer(dir: dir)
        sink.process.executableURL = python
        sink.process.arguments =
            [TestApp.root.appendingPathComponent("Tests/GrantsTests/Support/\(script)").path, sink.out.path] + extra
        sink.process.standardInput = sink.input
        let stdout = dir.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        sink.process.standardOutput = try FileHandle(forWritingTo: stdout)
        try sink.process.run()
        for _ in 0..<400 {
            if let text = try? String(contentsOf: stdout, encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PORT ") }), let port = Int(line.dropFirst(5))
            {
                sink.port = port
                return sink
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        sink.process.terminate()
        Issue.record("\(script) did not start")
        throw CancellationError()
    }

    private init(dir: URL) { out = dir.appendingPathComponent("records.jsonl") }

    var url: String { "smtp://127.0.0.1:\(port)" }
    var httpBase: String { "http://127.0.0.1:\(port)" }

    func messages() -> [[String: Any]] {
        guard let data = try? Data(contentsOf: out) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    /// Waits until `condition` holds for the messages (up to `seconds`), then returns them.
    func wait(seconds: Double = 20, until condition: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let m = messages()
            if condition(m) { return m }
            try await Task.sleep(for: .milliseconds(50))
        }
        return messages()
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
