import Foundation

/// A fake 1Password CLI (`op`) in a temporary directory, for tests: it records its arguments, answers `op read` from a
/// table of references, `op item get ITEM --otp` with a fixed code, and can play signed out.
public struct FakeOnePassword: Sendable {
    /// The directory holding `op` (put it first on `PATH`).
    public let directory: URL
    /// Where each invocation's arguments are appended, one line per call.
    public let logFile: URL

    /// The code every one-time password read returns.
    public static let oneTimePassword = "246810"

    /// Writes the fake with `values` (reference → value).
    public init(values: [String: String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fake-op-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        logFile = directory.appendingPathComponent("calls.log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let table = try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])
        try table.write(to: directory.appendingPathComponent("values.json"))
        let script = """
            #!/usr/bin/env python3
            # Fake 1Password CLI for tests. OP_FAKE_MODE=signed-out makes every call fail as when signed out.
            import json, os, sys
            here = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(here, "calls.log"), "a") as log:
                log.write(json.dumps(sys.argv[1:]) + "\\n")
            with open(os.path.join(here, "environment.log"), "a") as log:
                log.write(json.dumps(sorted(os.environ.keys())) + "\\n")
            def fail(message):
                sys.stderr.write("[ERROR] 2026/11/24 12:00:00 " + message + "\\n"); sys.exit(1)
            if os.environ.get("OP_FAKE_MODE") == "signed-out":
                fail("You are not currently signed in. Please run `op signin --help` for instructions")
            args = [a for a in sys.argv[1:]]
            # Like op (cobra/pflag): `--` ends the options; --account takes its value as `--account=V` or the next word.
            if "--" in args:
                i = args.index("--"); positional = args[i + 1:]; args = args[:i]
            else:
                positional = []
            args = [a for a in args if not a.startswith("--account=")]
            if "--account" in args:
                i = args.index("--account"); del args[i:i + 2]
            flags = [a for a in args if a.startswith("-")]
            if any(a.startswith("--session") or a.startswith("--config") for a in flags + [a for a in args if a.startswith("-")]):
                fail("op: an option reached op: " + " ".join(flags))
            args = args + positional
            values = json.load(open(os.path.join(here, "values.json")))
            if args[:1] == ["read"]:
                ref = [a for a in args[1:] if not a.startswith("--")][0]
                path, _, query = ref[len("op://"):].partition("?")
                parts = path.split("/")
                vault, item, field = parts[0], parts[1], parts[-1]
                if not any(k[len("op://"):].split("/")[1] == item for k in values):
                    fail('"%s" isn\\'t an item in the "%s" vault. Specify the item with its UUID, name, or domain.' % (item, vault))
                if query == "attribute=otp":
                    sys.stdout.write("\(Self.oneTimePassword)"); sys.exit(0)
                if ref not in values:
                    fail('"%s" isn\\'t a field in the "%s" item.' % (field, item))
                sys.stdout.write(values[ref]); sys.exit(0)
            if args[:2] == ["item", "get"] and "--otp" in args:
                print("\(Self.oneTimePassword)"); sys.exit(0)
            fail("unknown command: " + " ".join(sys.argv[1:]))
            """
        let op = directory.appendingPathComponent("op")
        try script.write(to: op, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: op.path)
    }

    /// The argument lists `op` was called with, in order.
    public func calls() throws -> [[String]] {
        let text = try String(contentsOf: logFile, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] ?? []
        }
    }

    /// `PATH` with the fake first.
    /// The names of the environment variables each `op` call saw, in order.
    public func environments() throws -> [[String]] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("environment.log"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String] ?? []
        }
    }

    public func path(after existing: String? = ProcessInfo.processInfo.environment["PATH"]) -> String {
        directory.path + ":" + (existing ?? "/usr/bin:/bin")
    }

    /// Deletes the fake.
    public func remove() { try? FileManager.default.removeItem(at: directory) }
}
