//! Embeds the CMG knowledge base in the binary: writes to `$OUT_DIR/embedded.rs` a list of
//! `(path, include_str!(…))` pairs of `rules/cmg/*.kb`, sorted by path, but for the estate
//! rules (`estate.kb`, loaded only with an inventory), which get a list of their own, and
//! another of the other files there (the source texts the knowledge base pins).

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/cmg");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let is_kb = |p: &std::path::PathBuf| p.extension().is_some_and(|x| x == "kb");
    let is_estate = |p: &std::path::PathBuf| p.file_name().is_some_and(|n| n == "estate.kb");
    let mut out = String::new();
    for (list, doc, kind) in [
        ("EMBEDDED", "The embedded CMG knowledge base", 0),
        ("ESTATE", "The estate rules, loaded with an inventory", 1),
        ("EMBEDDED_TEXTS", "The source texts it pins", 2),
    ] {
        out.push_str(&format!(
            "/// {doc}: `(path, text)` per file.\npub const {list}: &[(&str, &str)] = &[\n"
        ));
        let of_kind = |f: &std::path::PathBuf| match (is_kb(f), is_estate(f)) {
            (true, false) => 0,
            (true, true) => 1,
            _ => 2,
        };
        for f in files.iter().filter(|f| of_kind(f) == kind) {
            println!("cargo:rerun-if-changed={}", f.display());
            let name = format!("rules/cmg/{}", f.file_name().unwrap().to_string_lossy());
            out.push_str(&format!(
                "    ({name:?}, include_str!({:?})),\n",
                f.display().to_string()
            ));
        }
        out.push_str("];\n");
    }
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("embedded.rs"),
        out,
    )
    .unwrap();
}
