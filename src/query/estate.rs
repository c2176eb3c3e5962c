//! The estate report: what the estate rules (`rules/cmg/estate.kb`) derived from an
//! inventory, gathered per client and summarised per blocker.
//!
//! It reads the model only — `blocked/2`, `at_risk/2`, `undetermined/2`,
//! `inventory_client/1`, `client_name/2`, `client_site/2`, `feature_unavailable/2`, `cmg_finding/2`,
//! `site_finding/2`, `cmg_undetermined/2`, `site_undetermined/2` — and, for each kind of finding, the article lines the rules deriving
//! it cite (the clauses whose head names that finding as a constant), so the report says
//! where each blocker comes from without a line written into code. Proofs are not built
//! here: `why blocked(C, B)` proves any row.

use super::KnowledgeBase;
use crate::ir::{Const, Id, Pred};
use crate::syntax::Term;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How firm a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The article says it does not work (`blocked/2`).
    Blocked,
    /// The article's reading is ambiguous (`at_risk/2`).
    AtRisk,
    /// The inventory leaves it open (`undetermined/2`).
    Undetermined,
}

impl Severity {
    /// The word the report prints.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Blocked => "blocked",
            Severity::AtRisk => "at risk",
            Severity::Undetermined => "undetermined",
        }
    }
}

/// One client with a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientFindings {
    /// Its resource id (`resource_id` of clients.csv).
    pub client: i64,
    /// Its name (empty when the cell is).
    pub name: String,
    /// Its site code (empty when unknown).
    pub site: String,
    /// What blocks it, sorted.
    pub blocked: Vec<String>,
    /// What the article's ambiguity puts at risk, sorted.
    pub at_risk: Vec<String>,
    /// What the inventory leaves open for it (`undetermined/2`), sorted.
    pub undetermined: Vec<String>,
    /// Features not supported for it (it talks only through a CMG).
    pub features_unavailable: usize,
}

/// One line of the summary: a finding and how many clients have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The finding (`ipv6_only`, `macos`, …).
    pub finding: String,
    /// How firm it is.
    pub severity: Severity,
    /// Clients with it.
    pub clients: usize,
    /// The lines of the article the rules deriving it cite (`cmg line 12`).
    pub cites: Vec<String>,
}

/// A finding about a CMG or a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThingFinding {
    /// The CMG's name or the site's code.
    pub subject: String,
    /// The finding.
    pub finding: String,
    /// The lines of the article its rules cite.
    pub cites: Vec<String>,
    /// The inventory leaves it open (`cmg_undetermined/2`, `site_undetermined/2`): a cell
    /// it needs is empty, or the site's build is not in the build table.
    pub undetermined: bool,
}

/// The report of an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EstateReport {
    /// Clients in clients.csv.
    pub clients: usize,
    /// Clients with at least one blocker.
    pub blocked_clients: usize,
    /// Per finding, blockers first, then by count.
    pub summary: Vec<SummaryRow>,
    /// Findings about CMGs.
    pub cmgs: Vec<ThingFinding>,
    /// Findings about sites.
    pub sites: Vec<ThingFinding>,
    /// Every client blocked or at risk, by resource id.
    pub affected: Vec<ClientFindings>,
    /// Every other client the inventory leaves something open for, by resource id (the
    /// JSON report lists them; the tables show the counts of the summary).
    pub undetermined_clients: Vec<ClientFindings>,
    /// The text of each cited line (`cmg line 12` → the line of the pinned article), for
    /// reports that quote it; lines of a text that is not pinned are left out.
    #[serde(skip)]
    pub quoted: BTreeMap<String, String>,
}

/// The integer a constant is, if it is one.
fn int(c: &Const) -> Option<i64> {
    match c {
        Const::Int(i) => Some(*i),
        _ => None,
    }
}

/// The text of a constant as the report shows it.
fn shown(c: &Const) -> String {
    c.plain_text()
}

/// The article lines cited by the rules whose head is `pred(_, finding, …)` with `finding`
/// the constant in argument `arg`, per finding.
fn cited_lines(kb: &KnowledgeBase, pred: &str, arg: usize) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, BTreeSet<(String, i64)>> = HashMap::new();
    for c in &kb.checked.program.clauses {
        if c.head.pred != pred {
            continue;
        }
        let Some(Term::Const(f)) = c.head.args.get(arg) else {
            continue;
        };
        let lines = out.entry(shown(f)).or_default();
        for q in c.cites.iter().filter(|q| q.source == "cmg") {
            if let Some(l) = q.line {
                lines.insert((q.source.clone(), l));
            }
        }
    }
    out.into_iter()
        .map(|(k, v)| {
            let v = v
                .into_iter()
                .map(|(s, l)| format!("{s} line {l}"))
                .collect();
            (k, v)
        })
        .collect()
}

/// The pinned text of each cited line (`SOURCE line N`), by that name.
fn quoted_lines<'a>(
    kb: &KnowledgeBase,
    cites: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for cite in cites {
        let Some((source, line)) = cite.split_once(" line ") else {
            continue;
        };
        let Ok(line) = line.parse::<usize>() else {
            continue;
        };
        let text = kb
            .pinned
            .iter()
            .find(|(n, _)| n == source)
            .and_then(|(_, t)| t.text.lines().nth(line.wrapping_sub(1)));
        if let Some(text) = text {
            out.insert(cite.clone(), text.trim().to_string());
        }
    }
    out
}

/// The rows of a binary predicate, decoded.
fn pairs(kb: &KnowledgeBase, pred: &str) -> Vec<(Const, Const)> {
    let Some(rel) = kb.model.relation(&Pred::user(pred)) else {
        return Vec::new();
    };
    rel.rows()
        .filter(|r| r.len() == 2)
        .map(|r| {
            (
                kb.interner.value(r[0]).clone(),
                kb.interner.value(r[1]).clone(),
            )
        })
        .collect()
}

/// Findings of CMGs or sites from `pred(subject, finding)`, then those the inventory
/// leaves open, from `open(subject, finding)`.
fn things(kb: &KnowledgeBase, pred: &str, open: &str) -> Vec<ThingFinding> {
    let mut out = Vec::new();
    for (pred, undetermined) in [(pred, false), (open, true)] {
        let cites = cited_lines(kb, pred, 1);
        let mut these: Vec<ThingFinding> = pairs(kb, pred)
            .into_iter()
            .map(|(s, f)| {
                let finding = shown(&f);
                ThingFinding {
                    subject: shown(&s),
                    cites: cites.get(&finding).cloned().unwrap_or_default(),
                    finding,
                    undetermined,
                }
            })
            .collect();
        these.sort_by(|a, b| (&a.subject, &a.finding).cmp(&(&b.subject, &b.finding)));
        out.extend(these);
    }
    out
}

/// The rows of a binary predicate as ids, undecoded: the estate predicates hold millions of
/// rows, and decoding each (a string copied per row) was most of the report's time.
fn id_pairs<'a>(kb: &'a KnowledgeBase, pred: &str) -> impl Iterator<Item = (Id, Id)> + 'a {
    kb.model
        .relation(&Pred::user(pred))
        .into_iter()
        .flat_map(|rel| rel.rows())
        .filter(|r| r.len() == 2)
        .map(|r| (r[0], r[1]))
}

/// The report of the inventory a knowledge base with the estate rules was loaded with.
pub fn estate_report(kb: &KnowledgeBase) -> EstateReport {
    let value = |id: Id| kb.interner.value(id);
    let mut findings: HashMap<Id, String> = HashMap::new();
    let mut finding = |id: Id| -> String {
        findings
            .entry(id)
            .or_insert_with(|| shown(kb.interner.value(id)))
            .clone()
    };
    let mut by_client: BTreeMap<i64, ClientFindings> = BTreeMap::new();
    let new = |id: i64| ClientFindings {
        client: id,
        name: String::new(),
        site: String::new(),
        blocked: Vec::new(),
        at_risk: Vec::new(),
        undetermined: Vec::new(),
        features_unavailable: 0,
    };
    let mut counts: BTreeMap<(Severity, Id), usize> = BTreeMap::new();
    for (pred, severity) in [
        ("blocked", Severity::Blocked),
        ("at_risk", Severity::AtRisk),
        ("undetermined", Severity::Undetermined),
    ] {
        for (c, f) in id_pairs(kb, pred) {
            let Some(id) = int(value(c)) else {
                continue;
            };
            *counts.entry((severity, f)).or_default() += 1;
            match severity {
                Severity::Blocked => by_client
                    .entry(id)
                    .or_insert_with(|| new(id))
                    .blocked
                    .push(finding(f)),
                Severity::AtRisk => by_client
                    .entry(id)
                    .or_insert_with(|| new(id))
                    .at_risk
                    .push(finding(f)),
                Severity::Undetermined => by_client
                    .entry(id)
                    .or_insert_with(|| new(id))
                    .undetermined
                    .push(finding(f)),
            }
        }
    }
    let mut unavailable: HashMap<Id, usize> = HashMap::new();
    for (c, _) in id_pairs(kb, "feature_unavailable") {
        *unavailable.entry(c).or_default() += 1;
    }
    for (c, n) in unavailable {
        if let Some(id) = int(value(c)) {
            by_client
                .entry(id)
                .or_insert_with(|| new(id))
                .features_unavailable += n;
        }
    }
    // Names and sites only of the clients the report shows.
    let clients = kb
        .model
        .relation(&Pred::user("inventory_client"))
        .map_or(0, |rel| rel.rows().count());
    for (c, n) in id_pairs(kb, "client_name") {
        if let Some(f) = int(value(c)).and_then(|id| by_client.get_mut(&id)) {
            f.name = shown(value(n));
        }
    }
    for (c, s) in id_pairs(kb, "client_site") {
        if let Some(f) = int(value(c)).and_then(|id| by_client.get_mut(&id)) {
            // In upper case, as the rules compare site codes and name sites.
            f.site = shown(value(s)).to_uppercase();
        }
    }
    let counts: BTreeMap<(Severity, String), usize> = counts
        .into_iter()
        .map(|((s, f), n)| ((s, finding(f)), n))
        .collect();
    let mut cites = cited_lines(kb, "blocked", 1);
    cites.extend(cited_lines(kb, "at_risk", 1));
    let undetermined_cites = cited_lines(kb, "undetermined", 1);
    let mut summary: Vec<SummaryRow> = counts
        .into_iter()
        .map(|((severity, finding), clients)| SummaryRow {
            cites: if severity == Severity::Undetermined {
                undetermined_cites.get(&finding)
            } else {
                cites.get(&finding)
            }
            .cloned()
            .unwrap_or_default(),
            finding,
            severity,
            clients,
        })
        .collect();
    summary.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.clients), &a.finding).cmp(&(
            b.severity,
            std::cmp::Reverse(b.clients),
            &b.finding,
        ))
    });
    let (mut affected, mut undetermined_clients): (Vec<ClientFindings>, Vec<ClientFindings>) =
        by_client
            .into_values()
            .partition(|c| !c.blocked.is_empty() || !c.at_risk.is_empty());
    for c in affected.iter_mut().chain(&mut undetermined_clients) {
        c.blocked.sort();
        c.at_risk.sort();
        c.undetermined.sort();
    }
    let cmgs = things(kb, "cmg_finding", "cmg_undetermined");
    let sites_found = things(kb, "site_finding", "site_undetermined");
    let quoted = quoted_lines(
        kb,
        summary
            .iter()
            .flat_map(|r| &r.cites)
            .chain(cmgs.iter().chain(&sites_found).flat_map(|t| &t.cites)),
    );
    EstateReport {
        clients,
        blocked_clients: affected.iter().filter(|c| !c.blocked.is_empty()).count(),
        summary,
        cmgs,
        sites: sites_found,
        affected,
        undetermined_clients,
        quoted,
    }
}
