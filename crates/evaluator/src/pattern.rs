//! Wildcard patterns of IAM policies: `*` matches any run of characters, `?` exactly one.
//! Patterns are compiled once at parse time; literal `*` and `?` (from the policy variables
//! `${*}` and `${?}`) are kept apart from wildcards.

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    Star,
    Question,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    form: Form,
    /// Compared without regard to case (actions, `IgnoreCase` operators).
    ignore_case: bool,
}

/// The shapes a pattern takes, most of them one string (text lowercased when the pattern
/// ignores case).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    /// No wildcard (the common case): an exact compare.
    Literal(String),
    /// The text before the one `*` that ends the pattern, when that is its only wildcard
    /// (`arn:aws:s3:::bucket/*`, `s3:Get*`, `*`): a prefix compare.
    Prefix(String),
    /// Anything else: the tokens, for [`glob`].
    Glob(Vec<Token>),
}

impl Pattern {
    /// Compiles `text`, where `*` and `?` are wildcards.
    pub fn new(text: &str, ignore_case: bool) -> Pattern {
        let fold = |t: &str| if ignore_case { t.to_ascii_lowercase() } else { t.to_string() };
        let form = match text.find(['*', '?']) {
            None => Form::Literal(fold(text)),
            Some(i) if i + 1 == text.len() && text.ends_with('*') => Form::Prefix(fold(&text[..i])),
            Some(_) => Form::Glob(
                text.chars()
                    .map(|c| match c {
                        '*' => Token::Star,
                        '?' => Token::Question,
                        c if ignore_case => Token::Literal(c.to_ascii_lowercase()),
                        c => Token::Literal(c),
                    })
                    .collect(),
            ),
        };
        Pattern { form, ignore_case }
    }

    /// A pattern that matches exactly `text` (no wildcards).
    pub fn literal(text: &str, ignore_case: bool) -> Pattern {
        let text = if ignore_case { text.to_ascii_lowercase() } else { text.to_string() };
        Pattern { form: Form::Literal(text), ignore_case }
    }

    /// Builds a pattern piece by piece: literal text and wildcard text.
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = (&'a str, bool)>, ignore_case: bool) -> Pattern {
        let mut tokens = Vec::new();
        for (text, wild) in parts {
            let folded = |c: char| Token::Literal(if ignore_case { c.to_ascii_lowercase() } else { c });
            tokens.extend(text.chars().map(|c| match c {
                '*' if wild => Token::Star,
                '?' if wild => Token::Question,
                c => folded(c),
            }));
        }
        Pattern::from_tokens(tokens, ignore_case)
    }

    /// The simplest form of a token list.
    fn from_tokens(tokens: Vec<Token>, ignore_case: bool) -> Pattern {
        let text = |ts: &[Token]| {
            ts.iter()
                .map(|t| match t {
                    Token::Literal(c) => Some(*c),
                    _ => None,
                })
                .collect::<Option<String>>()
        };
        let form = if let Some(literal) = text(&tokens) {
            Form::Literal(literal)
        } else if let Some(prefix) = tokens.split_last().filter(|(last, _)| **last == Token::Star).and_then(|(_, head)| text(head)) {
            Form::Prefix(prefix)
        } else {
            Form::Glob(tokens)
        };
        Pattern { form, ignore_case }
    }

    pub fn has_wildcard(&self) -> bool {
        !matches!(self.form, Form::Literal(_))
    }

    pub fn is_match_all(&self) -> bool {
        matches!(&self.form, Form::Prefix(p) if p.is_empty())
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        match &self.form {
            Form::Literal(lit) if self.ignore_case => lit.len() == text.len() && lit.eq_ignore_ascii_case(text),
            Form::Literal(lit) => lit == text,
            Form::Prefix(prefix) => {
                // Bytes: an ASCII-only case fold leaves multibyte characters to compare exactly,
                // and a prefix that matches ends on a character boundary of the text.
                let (p, t) = (prefix.as_bytes(), text.as_bytes());
                t.len() >= p.len() && if self.ignore_case { t[..p.len()].eq_ignore_ascii_case(p) } else { &t[..p.len()] == p }
            }
            Form::Glob(tokens) => glob(tokens, text, self.ignore_case),
        }
    }

    /// One string that matches the pattern: wildcards are filled with `fill` (for `*`) and
    /// `x` (for `?`).
    pub fn instance(&self, fill: &str) -> String {
        match &self.form {
            Form::Literal(lit) => lit.clone(),
            Form::Prefix(prefix) => format!("{prefix}{fill}"),
            Form::Glob(tokens) => {
                let mut out = String::with_capacity(tokens.len() + fill.len());
                for t in tokens {
                    match t {
                        Token::Literal(c) => out.push(*c),
                        Token::Star => out.push_str(fill),
                        Token::Question => out.push('x'),
                    }
                }
                out
            }
        }
    }

    /// The tokens of the pattern (for tests that compare with [`glob`]).
    #[cfg(test)]
    fn tokens(&self) -> Vec<Token> {
        let chars = |t: &str| t.chars().map(Token::Literal).collect::<Vec<_>>();
        match &self.form {
            Form::Literal(lit) => chars(lit),
            Form::Prefix(prefix) => {
                let mut ts = chars(prefix);
                ts.push(Token::Star);
                ts
            }
            Form::Glob(tokens) => tokens.clone(),
        }
    }
}

/// Iterative wildcard match with one backtracking point (linear for `*`-only patterns), over
/// the characters of `text` without copying it. `t` is a byte offset into `text`.
fn glob(pattern: &[Token], text: &str, ignore_case: bool) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while let Some(c) = text[t..].chars().next() {
        let c = if ignore_case { c.to_ascii_lowercase() } else { c };
        match pattern.get(p) {
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::Question) => {
                p += 1;
                t += c.len_utf8();
            }
            Some(Token::Literal(l)) if *l == c => {
                p += 1;
                t += c.len_utf8();
            }
            _ => match star {
                Some((sp, st)) => {
                    // The star takes one more character of the text.
                    let skipped = text[st..].chars().next().map_or(1, char::len_utf8);
                    p = sp + 1;
                    t = st + skipped;
                    star = Some((sp, t));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|t| *t == Token::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_as_iam_does() {
        let p = Pattern::new("s3:Get*", true);
        assert!(p.matches("s3:GetObject"));
        assert!(p.matches("S3:getobject"));
        assert!(!p.matches("s3:PutObject"));
        assert!(Pattern::new("a?c", false).matches("abc"));
        assert!(!Pattern::new("a?c", false).matches("ac"));
        assert!(Pattern::new("*", false).matches(""));
        assert!(Pattern::new("a*b*c", false).matches("aXXbYYbc"));
        assert!(!Pattern::new("a*b*c", false).matches("aXXbYYb"));
        assert!(!Pattern::new("Abc", false).matches("abc"));
        assert!(Pattern::literal("a*", false).matches("a*"));
        assert!(!Pattern::literal("a*", false).matches("ab"));
        assert!(Pattern::new("é*ü?", false).matches("éxxüß"));
        assert!(Pattern::new("*ß", true).matches("ÄÖß"));
        assert!(!Pattern::new("a*é", false).matches("aéb"));
        // Prefix patterns (one trailing `*`).
        assert!(Pattern::new("arn:aws:s3:::b/*", false).matches("arn:aws:s3:::b/"));
        assert!(!Pattern::new("arn:aws:s3:::b/*", false).matches("arn:aws:s3:::b"));
        assert!(!Pattern::new("arn:aws:s3:::B/*", false).matches("arn:aws:s3:::b/x"));
        assert!(Pattern::new("S3:GET*", true).matches("s3:getObject"));
        assert!(Pattern::new("é*", true).matches("éa"));
        assert!(!Pattern::new("é*", true).matches("Éa"));
        assert!(Pattern::new("*", true).matches(""));
        // Literal `*` and `?` (from `${*}`, `${?}`) stay literal, also at the end.
        let p = Pattern::from_parts([("a", true), ("*", false)], false);
        assert!(p.matches("a*") && !p.matches("ab") && !p.has_wildcard());
        let p = Pattern::from_parts([("a?", false), ("*", true)], false);
        assert!(p.matches("a?b") && !p.matches("axb") && p.instance("z") == "a?z");
        assert!(Pattern::from_parts([("", true), ("*", true)], true).is_match_all());
    }

    #[test]
    fn the_prefix_compare_agrees_with_the_glob() {
        let texts = ["", "a", "A", "ab", "aB", "Ab", "abc", "é", "éa", "Éa", "aé", "s3:GetObject", "S3:GETOBJECT"];
        for pattern in ["*", "a*", "A*", "ab*", "é*", "aé*", "s3:Get*", "S3:get*"] {
            for ignore_case in [false, true] {
                let p = Pattern::new(pattern, ignore_case);
                assert!(matches!(p.form, Form::Prefix(_)), "{pattern}");
                for text in texts {
                    assert_eq!(p.matches(text), glob(&p.tokens(), text, ignore_case), "{pattern} {ignore_case} {text}");
                }
            }
        }
    }

    #[test]
    fn instances_match_their_pattern() {
        for text in ["arn:aws:iam::*:role/x", "a?b*", "*", "plain"] {
            let p = Pattern::new(text, false);
            assert!(p.matches(&p.instance("perimeter")), "{text}");
        }
    }
}
