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
        Pattern { tokens, ignore_case, literal }
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
        let chars: Vec<char> = if self.ignore_case {
            text.chars().map(|c| c.to_ascii_lowercase()).collect()
        } else {
            text.chars().collect()
        };
        glob(&self.tokens, &chars)
    }

    /// One string that matches the pattern: wildcards are filled with `fill` (for `*`) and
    /// `x` (for `?`).
    pub fn instance(&self, fill: &str) -> String {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Literal(c) => c.to_string(),
                Token::Star => fill.to_string(),
                Token::Question => "x".to_string(),
            })
            .collect()
    }
}

/// Iterative wildcard match with one backtracking point (linear for `*`-only patterns).
fn glob(pattern: &[Token], text: &[char]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::Question) => {
                p += 1;
                t += 1;
            }
            Some(Token::Literal(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
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
    }

    #[test]
    fn instances_match_their_pattern() {
        for text in ["arn:aws:iam::*:role/x", "a?b*", "*", "plain"] {
            let p = Pattern::new(text, false);
            assert!(p.matches(&p.instance("perimeter")), "{text}");
        }
    }
}
