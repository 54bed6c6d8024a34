//! Task ids and unit names, normalised once when they are made.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::{norm_id, norm_name};

/// A task id, normalised (half-width, whitespace removed, ASCII upper-case,
/// a number stored as `12.0` read as `12`): `Ｔ０１－００１ ` and `t01-001`
/// make the same `T01-001`. It is the join key of every stage and the id
/// shown to the clerk. Serialised as its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TaskId(String);

impl TaskId {
    /// The id of `text`, in any spelling.
    pub(crate) fn new(text: &str) -> TaskId {
        TaskId(norm_id(text))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for TaskId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for TaskId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A map keyed by `TaskId` can be searched with a normalised `&str`.
impl Borrow<str> for TaskId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for TaskId {
    fn from(s: &str) -> TaskId {
        TaskId::new(s)
    }
}

impl From<String> for TaskId {
    fn from(s: String) -> TaskId {
        TaskId::new(&s)
    }
}

impl From<&TaskId> for String {
    fn from(id: &TaskId) -> String {
        id.0.clone()
    }
}

impl From<TaskId> for String {
    fn from(id: TaskId) -> String {
        id.0
    }
}

/// Compared as written: `id == "ZF-001"` (normalise the other side first
/// when it may be spelled otherwise).
impl PartialEq<str> for TaskId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for TaskId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for TaskId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

impl PartialEq<TaskId> for String {
    fn eq(&self, other: &TaskId) -> bool {
        *self == other.0
    }
}

impl PartialEq<TaskId> for &str {
    fn eq(&self, other: &TaskId) -> bool {
        *self == other.0
    }
}

impl Serialize for TaskId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TaskId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(TaskId::from)
    }
}

/// A unit's name exactly as written (on the ledger's 单位 sheet, what the
/// clerk reads), with its lookup key (half-width, spaces removed, lower-case)
/// computed once: two spellings of one name are the same unit. Equality and
/// hashing go by the key; display and serialisation by the name. Not `Ord`:
/// order names by what the clerk reads (`as_str`) or by `key`, as meant.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitName {
    name: String,
    /// The key when it differs from `name` (most Chinese names are their own key).
    key: Option<String>,
}

impl UnitName {
    pub(crate) fn new(name: impl Into<String>) -> UnitName {
        let name = name.into();
        let key = norm_name(&name);
        UnitName {
            key: (key != name).then_some(key),
            name,
        }
    }

    /// The name as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.name
    }

    /// The normalised lookup key.
    pub(crate) fn key(&self) -> &str {
        self.key.as_deref().unwrap_or(&self.name)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.name.is_empty()
    }
}

impl PartialEq for UnitName {
    fn eq(&self, other: &UnitName) -> bool {
        self.key() == other.key()
    }
}

impl Eq for UnitName {}

impl Hash for UnitName {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.key().hash(h)
    }
}

impl Deref for UnitName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

impl AsRef<str> for UnitName {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for UnitName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl From<&str> for UnitName {
    fn from(s: &str) -> UnitName {
        UnitName::new(s)
    }
}

impl From<String> for UnitName {
    fn from(s: String) -> UnitName {
        UnitName::new(s)
    }
}

impl From<&UnitName> for String {
    fn from(u: &UnitName) -> String {
        u.name.clone()
    }
}

impl From<UnitName> for String {
    fn from(u: UnitName) -> String {
        u.name
    }
}

/// The same unit as a name written anywhere (normalised before comparing).
impl PartialEq<str> for UnitName {
    fn eq(&self, other: &str) -> bool {
        self.name == other || self.key() == norm_name(other)
    }
}

impl PartialEq<&str> for UnitName {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<String> for UnitName {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

impl PartialEq<UnitName> for String {
    fn eq(&self, other: &UnitName) -> bool {
        *other == **self
    }
}

impl PartialEq<UnitName> for &str {
    fn eq(&self, other: &UnitName) -> bool {
        *other == **self
    }
}

impl Serialize for UnitName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for UnitName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(UnitName::new)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn task_ids_are_normalised_once() {
        let id = TaskId::new("Ｔ０１－００１ ");
        assert_eq!(id, "T01-001");
        assert_eq!(id, TaskId::from("t01-001"));
        assert_eq!(TaskId::new("12.0").as_str(), "12");
        assert_eq!(id.to_string(), "T01-001");
        let set: HashSet<TaskId> = [id.clone()].into();
        assert!(set.contains("T01-001"));
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"T01-001\"");
        let back: TaskId = serde_json::from_str("\"t01 - 001\"").unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn unit_names_keep_their_spelling_and_compare_by_key() {
        let a = UnitName::new("区发改局");
        let b = UnitName::new(" 区发改局　");
        assert_eq!(a, b);
        assert_eq!(b.as_str(), " 区发改局　");
        assert_eq!(b.key(), "区发改局");
        let set: HashSet<UnitName> = [a.clone()].into();
        assert!(set.contains(&b));
        assert_eq!(UnitName::new("ＡＢＣ局"), UnitName::new("abc局"));
        assert_eq!(UnitName::new("ＡＢＣ局").to_string(), "ＡＢＣ局");
        assert_eq!(a, "区发改局");
        assert_ne!(a, "区财政局");
        assert_eq!(serde_json::to_string(&b).unwrap(), "\" 区发改局　\"");
        let back: UnitName = serde_json::from_str("\"区发改局\"").unwrap();
        assert_eq!(back, a);
    }
}
