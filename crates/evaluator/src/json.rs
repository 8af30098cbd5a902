//! Strict reading of a policy document's JSON text. A key written twice in one object is an
//! error that names the key and its JSON pointer (serde_json's own map keeps the last value
//! silently; which one AWS keeps is not documented, so an ambiguous document is not analysed).
//! The nesting limit is serde_json's (128 levels), checked by its deserializer before any
//! recursion here.
//!
//! The policy parser reads a [`Doc`]: serde_json's tokens built into a tree whose strings are
//! borrowed from the text where they have no escapes and whose objects are their members in
//! written order, so that reading a policy hashes and copies nothing it does not keep.
//! [`parse`] gives the same document as a `serde_json::Value`, for the files that hold
//! policies (templates, plans).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

use crate::error::{Error, Place};

/// Objects with more members than this check for a duplicate key by hash instead of by scan.
const SCANNED_MEMBERS: usize = 16;

/// One JSON value of a document, as [`parse_doc`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Doc<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Doc<'a>>),
    /// Members in the order written (keys are unique: a duplicate is a parse error).
    Object(Vec<(Cow<'a, str>, Doc<'a>)>),
}

impl<'a> Doc<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Doc::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Doc<'a>)]> {
        match self {
            Doc::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member `key` of an object (`None` for a missing key or a value that is not an object).
    pub fn get(&self, key: &str) -> Option<&Doc<'a>> {
        self.as_object()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The document of a `serde_json::Value`, borrowing its strings.
    pub fn from_value(json: &'a Json) -> Doc<'a> {
        match json {
            Json::Null => Doc::Null,
            Json::Bool(b) => Doc::Bool(*b),
            Json::Number(n) => Doc::Number(n.clone()),
            Json::String(s) => Doc::String(Cow::Borrowed(s)),
            Json::Array(list) => Doc::Array(list.iter().map(Doc::from_value).collect()),
            Json::Object(map) => Doc::Object(map.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Doc::from_value(v))).collect()),
        }
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_value(&self) -> Json {
        match self {
            Doc::Null => Json::Null,
            Doc::Bool(b) => Json::Bool(*b),
            Doc::Number(n) => Json::Number(n.clone()),
            Doc::String(s) => Json::String(s.to_string()),
            Doc::Array(list) => Json::Array(list.iter().map(Doc::to_value).collect()),
            Doc::Object(members) => Json::Object(members.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect::<Map<_, _>>()),
        }
    }
}

impl fmt::Display for Doc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_value().fmt(f)
    }
}

/// Reads `text` as one JSON value; a duplicate key anywhere is an [`Error::Parse`] at the
/// duplicate's pointer. (Public for the files that hold policies, such as templates and plans,
/// which must be read as strictly as the policies themselves.)
pub fn parse(text: &str) -> Result<Json, Error> {
    parse_doc(text).map(|doc| doc.to_value())
}

/// Reads `text` as one JSON [`Doc`], as strictly as [`parse`].
pub fn parse_doc(text: &str) -> Result<Doc<'_>, Error> {
    let duplicate: RefCell<Option<Error>> = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let read = Node { place: Place::ROOT, duplicate: &duplicate }.deserialize(&mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    });
    match (read, duplicate.into_inner()) {
        (_, Some(e)) => Err(e),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(Error::parse("", format!("not valid JSON: {e}"))),
    }
}

/// One value of the document: where it is (so that a pointer is written only for an error)
/// and where a duplicate key is recorded.
struct Node<'p> {
    place: Place<'p>,
    duplicate: &'p RefCell<Option<Error>>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Doc<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Doc<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Doc<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Doc<'de>, E> {
        Ok(Doc::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Doc<'de>, E> {
        Ok(Doc::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Doc<'de>, E> {
        Ok(Doc::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Doc<'de>, E> {
        Number::from_f64(v).map(Doc::Number).ok_or_else(|| E::custom(format!("`{v}` is not a finite number")))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }

    fn visit_none<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
        let mut out = Vec::new();
        loop {
            let node = Node { place: self.place.index(out.len()), duplicate: self.duplicate };
            match seq.next_element_seed(node)? {
                Some(v) => out.push(v),
                None => return Ok(Doc::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc<'de>, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Doc<'de>)> = Vec::new();
        // Keys seen, once the object is too large to scan.
        let mut seen: Option<HashSet<String>> = None;
        while let Some(key) = map.next_key_seed(Key)? {
            let repeated = match &mut seen {
                Some(seen) => !seen.insert(key.to_string()),
                None => out.iter().any(|(k, _)| *k == key),
            };
            if repeated {
                let message = format!("the key `{key}` appears twice in one object");
                *self.duplicate.borrow_mut() = Some(Error::at(&self.place.key(&key), message.clone()));
                return Err(de::Error::custom(message));
            }
            let value = map.next_value_seed(Node { place: self.place.key(&key), duplicate: self.duplicate })?;
            out.push((key, value));
            if seen.is_none() && out.len() > SCANNED_MEMBERS {
                seen = Some(out.iter().map(|(k, _)| k.to_string()).collect());
            }
        }
        Ok(Doc::Object(out))
    }
}

/// An object key, borrowed from the text when it has no escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{"a":[1,-2,2.5,"x",true,null,{"b":{}}],"c":18446744073709551615}"#;
        let strict = parse(text).expect("valid");
        let plain: Json = serde_json::from_str(text).expect("valid");
        assert_eq!(strict, plain);
        assert_eq!(serde_json::to_string(&strict).expect("serialises"), text);
    }

    #[test]
    fn the_doc_keeps_order_and_borrows_plain_strings() {
        let text = r#"{"b":"x","a":"y\u0041","c":[1]}"#;
        let doc = parse_doc(text).expect("valid");
        let members = doc.as_object().expect("object");
        assert_eq!(members.iter().map(|(k, _)| k.as_ref()).collect::<Vec<_>>(), ["b", "a", "c"]);
        assert!(matches!(doc.get("b"), Some(Doc::String(Cow::Borrowed("x")))));
        assert_eq!(doc.get("a").and_then(Doc::as_str), Some("yA"));
        assert_eq!(Doc::from_value(&doc.to_value()), doc);
    }

    #[test]
    fn a_duplicate_key_in_a_large_object_is_found_too() {
        let members: Vec<String> = (0..40).map(|i| format!(r#""k{i}":{i}"#)).collect();
        let text = format!(r#"{{{},"k3":0}}"#, members.join(","));
        let e = parse(&text).expect_err("duplicate");
        assert_eq!(e.pointer(), "/k3");
    }

    #[test]
    fn a_duplicate_key_names_its_pointer() {
        let e = parse(r#"{"a":{"b~/c":1,"b~/c":2}}"#).expect_err("duplicate");
        assert_eq!(e.pointer(), "/a/b~0~1c");
        assert!(e.to_string().contains("`b~/c`"), "{e}");
        let e = parse(r#"{"a":[{"x":1},{"x":1,"x":1}]}"#).expect_err("duplicate");
        assert_eq!(e.pointer(), "/a/1/x");
    }

    #[test]
    fn bad_json_and_deep_nesting_are_errors_at_the_root() {
        for text in ["{", "[1,]", "{} x", &"[".repeat(10_000), &format!("{}1{}", "[".repeat(200), "]".repeat(200))] {
            let e = parse(text).expect_err("not accepted");
            assert_eq!(e.pointer(), "", "{text:.20}");
            assert!(e.to_string().starts_with("not valid JSON"), "{e}");
        }
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).is_ok());
    }
}
