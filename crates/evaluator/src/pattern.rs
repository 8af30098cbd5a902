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
    tokens: Vec<Token>,
    /// Compared without regard to case (actions, `IgnoreCase` operators).
    ignore_case: bool,
    /// The plain text when the pattern has no wildcard (the common case), for a fast compare.
    literal: Option<String>,
    /// The text before the one `*` that ends the pattern, when that is its only wildcard
    /// (`arn:aws:s3:::bucket/*`, `s3:Get*`): a prefix compare.
    prefix: Option<String>,
}

impl Pattern {
    /// Compiles `text`, where `*` and `?` are wildcards.
    pub fn new(text: &str, ignore_case: bool) -> Pattern {
        let tokens: Vec<Token> = text
            .chars()
            .map(|c| match c {
                '*' => Token::Star,
                '?' => Token::Question,
                c if ignore_case => Token::Literal(c.to_ascii_lowercase()),
                c => Token::Literal(c),
            })
            .collect();
        Pattern::from_tokens(tokens, ignore_case)
    }

    /// A pattern that matches exactly `text` (no wildcards).
    pub fn literal(text: &str, ignore_case: bool) -> Pattern {
        let tokens = text
            .chars()
            .map(|c| Token::Literal(if ignore_case { c.to_ascii_lowercase() } else { c }))
            .collect();
        Pattern::from_tokens(tokens, ignore_case)
    }

    /// Builds a pattern piece by piece: literal text and wildcard text.
    pub fn from_parts<'a>(parts: impl IntoIterator<Item = (&'a str, bool)>, ignore_case: bool) -> Pattern {
        let mut tokens = Vec::new();
        for (text, wild) in parts {
            if wild {
                tokens.extend(Pattern::new(text, ignore_case).tokens);
            } else {
                tokens.extend(Pattern::literal(text, ignore_case).tokens);
            }
        }
        Pattern::from_tokens(tokens, ignore_case)
    }

    fn from_tokens(tokens: Vec<Token>, ignore_case: bool) -> Pattern {
        let literal = tokens
            .iter()
            .map(|t| match t {
                Token::Literal(c) => Some(*c),
                _ => None,
            })
            .collect::<Option<String>>();
        let prefix = match tokens.split_last() {
            Some((Token::Star, head)) => head
                .iter()
                .map(|t| match t {
                    Token::Literal(c) => Some(*c),
                    _ => None,
                })
                .collect::<Option<String>>(),
            _ => None,
        };
        Pattern { tokens, ignore_case, literal, prefix }
    }

    pub fn has_wildcard(&self) -> bool {
        self.literal.is_none()
    }

    pub fn is_match_all(&self) -> bool {
        self.tokens.len() == 1 && self.tokens[0] == Token::Star
    }

    /// Whether `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        if let Some(lit) = &self.literal {
            return if self.ignore_case {
                lit.len() == text.len() && lit.eq_ignore_ascii_case(text)
            } else {
                lit == text
            };
        }
        if let Some(prefix) = &self.prefix {
            // Bytes: an ASCII-only case fold leaves multibyte characters to compare exactly,
            // and a prefix that matches ends on a character boundary of the text.
            let (p, t) = (prefix.as_bytes(), text.as_bytes());
            return t.len() >= p.len()
                && if self.ignore_case { t[..p.len()].eq_ignore_ascii_case(p) } else { &t[..p.len()] == p };
        }
        glob(&self.tokens, text, self.ignore_case)
    }

    /// One string that matches the pattern: wildcards are filled with `fill` (for `*`) and
    /// `x` (for `?`).
    pub fn instance(&self, fill: &str) -> String {
        let mut out = String::with_capacity(self.tokens.len() + fill.len());
        for t in &self.tokens {
            match t {
                Token::Literal(c) => out.push(*c),
                Token::Star => out.push_str(fill),
                Token::Question => out.push('x'),
            }
        }
        out
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
    }

    #[test]
    fn the_prefix_compare_agrees_with_the_glob() {
        let texts = ["", "a", "A", "ab", "aB", "Ab", "abc", "é", "éa", "Éa", "aé", "s3:GetObject", "S3:GETOBJECT"];
        for pattern in ["*", "a*", "A*", "ab*", "é*", "aé*", "s3:Get*", "S3:get*"] {
            for ignore_case in [false, true] {
                let p = Pattern::new(pattern, ignore_case);
                assert!(p.prefix.is_some(), "{pattern}");
                for text in texts {
                    assert_eq!(p.matches(text), glob(&p.tokens, text, ignore_case), "{pattern} {ignore_case} {text}");
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
