//! What the cli writes for people: lines on stdout and stderr that never panic on a closed pipe
//! (`perimeter check-policy … | head -1`), with every control character of policy content
//! escaped, so that a value such as `\e[2K\r…complete scan` can neither erase nor forge a line
//! on a terminal, in a CI log or in a cron mail; and an error's cause chain with each cause
//! named once.

use std::borrow::Cow;
use std::io::Write;

/// `text` with every control character (newlines, ESC, BEL, DEL, C1 controls, …) written as
/// an escape (`\n`, `\u{1b}`), so that it prints as one inert line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect())
}

/// Writes one line to stdout. `false` when stdout is closed (the reader went away): the caller
/// stops writing; the exit code stays what the command decided.
pub fn out(line: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush()).is_ok()
}

/// Writes one line to stderr; a closed stderr is not an error worth dying for.
pub fn err(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// The error and its causes, joined with `: `; a cause whose text the previous one already
/// holds (an I/O error that its wrapper repeats, say) is left out.
pub fn chain(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|p| p.contains(&text)) || text.is_empty() {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d11_control_characters_are_escaped() {
        let forged = "1\u{1b}[2K\rperimeter: complete scan\nperimeter: findings: 0 new\u{1b}]0;pwned\u{7}";
        let shown = printable(forged);
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert!(shown.contains("\\u{1b}[2K\\rperimeter"), "{shown}");
        assert_eq!(printable("ünïcødé 漢字 🙂"), "ünïcødé 漢字 🙂");
    }

    #[test]
    fn d19_a_cause_is_named_once() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "Permission denied (os error 13)");
        let e = anyhow::Error::new(io).context("rodir/w.db.lock: Permission denied (os error 13)").context("opening the store");
        assert_eq!(chain(&e), "opening the store: rodir/w.db.lock: Permission denied (os error 13)");
    }
}
