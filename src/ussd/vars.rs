//! Session variables: a small name → value map kept as a vector.
//!
//! A session holds a dozen variables at most; a `BTreeMap` would allocate a
//! ~600-byte node for the first one, which alone would break the 1 KB per
//! session budget. Lookups are linear, which at this size is also the fastest.

use super::session::Value;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Variables by name, in insertion order; serialised as a map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vars(Vec<(String, Value)>);

impl Vars {
    /// No variables.
    pub fn new() -> Self {
        Vars(Vec::new())
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// Sets `name`, replacing any earlier value.
    pub fn insert(&mut self, name: String, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((name, value)),
        }
    }

    /// Whether `name` is set.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The variables, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many variables are set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Extend<(String, Value)> for Vars {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, Value)> for Vars {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(items: I) -> Self {
        let mut vars = Vars::new();
        vars.extend(items);
        vars
    }
}

impl IntoIterator for Vars {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Serialize for Vars {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Vars {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, Value>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Text(s.to_owned())
    }

    #[test]
    fn insert_replaces_and_keeps_one_entry_per_name() {
        let mut v = Vars::new();
        v.insert("a".into(), text("1"));
        v.insert("b".into(), text("2"));
        v.insert("a".into(), text("3"));
        assert_eq!(v.len(), 2);
        assert_eq!(v.get("a"), Some(&text("3")));
        assert!(!v.contains_key("c"));
    }

    #[test]
    fn vars_serialise_as_a_map_and_back() {
        let v: Vars = [("x".to_owned(), text("1")), ("y".to_owned(), text("2"))]
            .into_iter()
            .collect();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"{"x":"1","y":"2"}"#);
        assert_eq!(serde_json::from_str::<Vars>(&json).unwrap(), v);
    }
}
