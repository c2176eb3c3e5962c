//! Edited copies of the committed sample estate and what the report says of them: each
//! finding of each client, CMG and site as blocked, at risk, undetermined or fine.

use super::run;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The committed 200-client sample.
pub const SAMPLE: &str = "examples/estate/sample";

/// The four files of an inventory.
pub const FILES: [&str; 4] = ["clients.csv", "site_systems.csv", "cmgs.csv", "sites.csv"];

/// The blockers a client has only through a CMG: an unknown `management_point` leaves them
/// all open at once (`undetermined(C, through_cmg)`).
pub const THROUGH_CMG: [&str; 5] = [
    "software_updates_through_cmg",
    "cmg_classic_deployment_removed",
    "cmg_name_invalid",
    "cmg_name_ambiguous",
    "features_not_supported_through_cmg",
];

/// The sample's four files as rows of cells (the sample quotes no cell), to edit.
#[derive(Clone)]
pub struct Estate {
    /// Per file, the header then the rows.
    pub files: BTreeMap<&'static str, Vec<Vec<String>>>,
}

impl Estate {
    pub fn sample() -> Estate {
        let files = FILES
            .iter()
            .map(|f| {
                let text =
                    std::fs::read_to_string(Path::new(super::ROOT).join(SAMPLE).join(f)).unwrap();
                let rows = text
                    .lines()
                    .map(|l| l.split(',').map(str::to_string).collect())
                    .collect();
                (*f, rows)
            })
            .collect();
        Estate { files }
    }

    /// The index of `column` in `file`'s header.
    pub fn column(&self, file: &str, column: &str) -> usize {
        self.files[file][0]
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("{file} has no column {column}"))
    }

    /// Sets `column` to `value` in the rows of `file` whose first cell is `first`, or in
    /// every row when `first` is `None`.
    pub fn set(&mut self, file: &str, first: Option<&str>, column: &str, value: &str) -> &mut Self {
        let c = self.column(file, column);
        let mut hit = false;
        for row in self.files.get_mut(file).unwrap().iter_mut().skip(1) {
            if first.is_none_or(|f| row[0] == f) {
                row[c] = value.to_string();
                hit = true;
            }
        }
        assert!(hit, "{file}: no row {first:?}");
        self
    }

    /// Sets `column` in the rows of `file` where `pick` holds of the row.
    pub fn set_where(
        &mut self,
        file: &str,
        pick: impl Fn(&[String]) -> bool,
        column: &str,
        value: impl Fn(&str) -> String,
    ) -> &mut Self {
        let c = self.column(file, column);
        for row in self.files.get_mut(file).unwrap().iter_mut().skip(1) {
            if pick(row) {
                row[c] = value(&row[c]);
            }
        }
        self
    }

    /// The rows of `file` without those whose first cell is `first`.
    pub fn remove(&mut self, file: &str, first: &str) -> &mut Self {
        self.files.get_mut(file).unwrap().retain(|r| r[0] != first);
        self
    }

    /// Appends a row to `file`, given as its CSV line.
    pub fn push(&mut self, file: &str, line: &str) -> &mut Self {
        let row = line.split(',').map(str::to_string).collect();
        self.files.get_mut(file).unwrap().push(row);
        self
    }

    /// The files written to a new temporary folder.
    pub fn write(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (f, rows) in &self.files {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            std::fs::write(dir.path().join(f), text).unwrap();
        }
        dir
    }

    /// `supportkb --inventory DIR --format json report` on the files, parsed.
    pub fn report(&self) -> Value {
        let dir = self.write();
        let r = run(&[
            "--inventory",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "report",
        ]);
        assert_eq!(r.code, 0, "{r:?}");
        super::json(&r)
    }
}

/// How firm one finding about one thing is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Blocked,
    AtRisk,
    Undetermined,
}

/// A thing and a finding: (`client`, resource id, blocker), (`cmg`, name, finding) or
/// (`site`, code, finding).
pub type Finding = (&'static str, String, String);

/// Every finding of a report and its status; a finding not in the map is fine. An
/// undetermined `through_cmg` leaves each blocker through a CMG undetermined.
pub fn statuses(report: &Value) -> BTreeMap<Finding, Status> {
    let mut out = BTreeMap::new();
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let clients = report["affected"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["undetermined_clients"].as_array().unwrap());
    for c in clients {
        let id = c["client"].to_string();
        for b in list(&c["undetermined"]) {
            if b == "through_cmg" {
                for t in THROUGH_CMG {
                    out.insert(("client", id.clone(), t.to_string()), Status::Undetermined);
                }
            }
            out.insert(("client", id.clone(), b), Status::Undetermined);
        }
        // A blocker the data also leaves open (through another CMG, say) is blocked.
        for b in list(&c["at_risk"]) {
            out.insert(("client", id.clone(), b), Status::AtRisk);
        }
        for b in list(&c["blocked"]) {
            out.insert(("client", id.clone(), b), Status::Blocked);
        }
    }
    for (kind, key) in [("cmg", "cmgs"), ("site", "sites")] {
        for t in report[key].as_array().unwrap() {
            let status = if t["undetermined"].as_bool().unwrap() {
                Status::Undetermined
            } else {
                Status::Blocked
            };
            let subject = t["subject"].as_str().unwrap().to_string();
            let finding = t["finding"].as_str().unwrap().to_string();
            let slot = out.entry((kind, subject, finding)).or_insert(status);
            *slot = (*slot).min(status);
        }
    }
    out
}

/// The findings whose status changed from `before` to `after` other than to undetermined:
/// blocked or at risk to fine, fine to blocked, undetermined to anything else.
pub fn not_monotonic(
    before: &BTreeMap<Finding, Status>,
    after: &BTreeMap<Finding, Status>,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<&Finding> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let (b, a) = (before.get(k), after.get(k));
            (b != a && a != Some(&Status::Undetermined)).then(|| format!("{k:?}: {b:?} -> {a:?}"))
        })
        .collect()
}

/// A copy of the sample inventory in a temporary folder, with `edit` applied to the text
/// of `file` (one of [`FILES`]); the other files are copied as they are.
pub fn edited_sample(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        let text = std::fs::read_to_string(Path::new(super::ROOT).join(SAMPLE).join(f)).unwrap();
        let text = if f == file { edit(&text) } else { text };
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}
