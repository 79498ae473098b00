import ArgumentParser
import Foundation

/// `platformctl completion SHELL`: the shell completion script, generated from the command tree.
struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            bash:  platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl
            zsh:   platformctl completion zsh > "${fpath[1]}/_platformctl"
            fish:  platformctl completion fish > ~/.config/fish/completions/platformctl.fish
            """
    )

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else {
            throw ValidationError("unknown shell \"\(shell)\"; use bash, zsh or fish")
        }
    }

    func run() throws {
        guard let shell = CompletionShell(rawValue: shell) else { return }
        print(Platformctl.completionScript(for: shell))
    }
}

/// `platformctl man`: a man page (roff) for platformctl and each of its commands, from the same help text that
/// `--help` shows, so the two never disagree.
struct Manual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "man",
        abstract: "Print the platformctl(1) man page (roff); install it with: platformctl man > platformctl.1",
        discussion: "For example: platformctl man | sudo tee /usr/local/share/man/man1/platformctl.1 >/dev/null"
    )

    func run() throws {
        print(Self.page(date: Date()))
    }

    /// The page: NAME, SYNOPSIS, DESCRIPTION, then one COMMANDS subsection per subcommand with its help screen.
    static func page(date: Date) -> String {
        let day = ISO8601DateFormatter.string(
            from: date,
            timeZone: TimeZone(identifier: "UTC") ?? .current,
            formatOptions: [.withFullDate]
        )
        var lines = [
            ".TH PLATFORMCTL 1 \"\(day)\" \"platformctl\" \"User Commands\"",
            ".SH NAME",
            "platformctl \\- \(escape(Platformctl.configuration.abstract))",
            ".SH SYNOPSIS",
            ".B platformctl",
            ".I command",
            "[options]",
            ".SH DESCRIPTION",
            escape(
                Platformctl.configuration.discussion.isEmpty
                    ? Platformctl.configuration.abstract : Platformctl.configuration.discussion
            ),
            ".SH COMMANDS",
        ]
        for command in Platformctl.configuration.subcommands {
            let name = command.configuration.commandName ?? command._commandName
            lines.append(".SS \(escape(name))")
            lines.append(".nf")
            lines.append(escape(Platformctl.helpMessage(for: command, columns: 100)))
            lines.append(".fi")
        }
        lines.append(".SH EXIT STATUS")
        lines.append(
            "0 success; 1 an error (nothing was changed unless the message says so); 2 plan --detailed-exitcode found changes; 130 interrupted (Ctrl-C)."
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes text for roff: backslashes, a leading `.` or `'` that would read as a request, and every non-ASCII
    /// character as a `\[uXXXX]` glyph (groff reads its input as Latin-1 otherwise).
    static func escape(_ text: String) -> String {
        var ascii = ""
        for scalar in text.replacingOccurrences(of: "\\", with: "\\e").unicodeScalars {
            if scalar.isASCII {
                ascii.unicodeScalars.append(scalar)
            } else {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                ascii += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            }
        }
        return ascii.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }
            .joined(separator: "\n")
    }
}
