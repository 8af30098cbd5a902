//! Strict reading of a policy document's JSON text into a `serde_json::Value`: the same shape
//! serde_json builds, except that a key written twice in one object is an error that names the
//! key and its JSON pointer (serde_json's own map keeps the last value silently; which one AWS
//! keeps is not documented, so an ambiguous document is not analysed). The nesting limit is
//! serde_json's (128 levels), checked by its deserializer before any recursion here.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value as Json};

use crate::error::{segment, Error};

/// Reads `text` as one JSON value; a duplicate key anywhere is an [`Error::Parse`] at the
/// duplicate's pointer. (Public for the files that hold policies, such as templates and plans,
/// which must be read as strictly as the policies themselves.)
pub fn parse(text: &str) -> Result<Json, Error> {
    let duplicate: RefCell<Option<Error>> = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let root = Node { parent: None, segment: Segment::Root, duplicate: &duplicate };
    let read = root.deserialize(&mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    });
    match (read, duplicate.into_inner()) {
        (_, Some(e)) => Err(e),
        (Ok(v), None) => Ok(v),
        (Err(e), None) => Err(Error::parse("", format!("not valid JSON: {e}"))),
    }
}

/// One value of the document: where it is (its parent and its key or index there, so that a
/// pointer is written only for an error) and where a duplicate key is recorded.
struct Node<'a> {
    parent: Option<&'a Node<'a>>,
    segment: Segment<'a>,
    duplicate: &'a RefCell<Option<Error>>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Node<'a> {
    fn child(&'a self, segment: Segment<'a>) -> Node<'a> {
        Node { parent: Some(self), segment, duplicate: self.duplicate }
    }

    /// The JSON pointer of this value (RFC 6901).
    fn pointer(&self) -> String {
        let mut segments = Vec::new();
        let mut node = Some(self);
        while let Some(n) = node {
            match n.segment {
                Segment::Root => {}
                Segment::Key(k) => segments.push(segment(k)),
                Segment::Index(i) => segments.push(i.to_string()),
            }
            node = n.parent;
        }
        segments.iter().rev().map(|s| format!("/{s}")).collect()
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Json;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        Number::from_f64(v).map(Json::Number).ok_or_else(|| E::custom(format!("`{v}` is not a finite number")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child(Segment::Index(out.len())))? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(Segment::Key(&key));
            if out.contains_key(&key) {
                let message = format!("the key `{key}` appears twice in one object");
                *self.duplicate.borrow_mut() = Some(Error::parse(&child.pointer(), message.clone()));
                return Err(de::Error::custom(message));
            }
            let value = map.next_value_seed(child)?;
            out.insert(key, value);
        }
        Ok(Json::Object(out))
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
