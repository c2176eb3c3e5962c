//! Embeds the CMG knowledge base in the binary: writes to `$OUT_DIR/embedded.rs` a list of
//! `(path, include_str!(…), hash)` triples of `rules/cmg/*.kb`, sorted by path, but for the estate
//! rules (`estate.kb` and `estate_*.kb`, loaded only with an inventory), which get a list of
//! their own, and another of the other files there (the source texts the knowledge base
//! pins). Each file comes with a hash of its contents, by which a cache file names it.

use std::{env, fs, path::Path};

#[path = "src/source/fnv.rs"]
mod fnv;

fn main() {
    // Read when the script runs, not when it was compiled: a build script compiled in one
    // checkout and reused in a copy of it must embed the copy's files.
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("rules/cmg");
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
    // `estate.kb` and the files it continues in (`estate_open.kb`, …).
    let is_estate = |p: &std::path::PathBuf| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n == "estate.kb" || n.starts_with("estate_") && n.ends_with(".kb"))
    };
    let mut out = String::new();
    for (list, doc, kind) in [
        ("EMBEDDED", "The embedded CMG knowledge base", 0),
        ("ESTATE", "The estate rules, loaded with an inventory", 1),
        ("EMBEDDED_TEXTS", "The source texts it pins", 2),
    ] {
        out.push_str(&format!(
            "/// {doc}: `(path, text, hash)` per file (the hash: `fnv::extend_words`).\npub const {list}: &[(&str, &str, u64)] = &[\n"
        ));
        let of_kind = |f: &std::path::PathBuf| match (is_kb(f), is_estate(f)) {
            (true, false) => 0,
            (true, true) => 1,
            _ => 2,
        };
        for f in files.iter().filter(|f| of_kind(f) == kind) {
            println!("cargo:rerun-if-changed={}", f.display());
            let name = format!("rules/cmg/{}", f.file_name().unwrap().to_string_lossy());
            let hash = fnv::extend_words(fnv::START, &fs::read(f).unwrap_or_default());
            out.push_str(&format!(
                "    ({name:?}, include_str!({:?}), {hash:#018x}),\n",
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
    build_key();
}

/// Sets `SUPPORTKB_BUILD_KEY`: a hash of every file a load of the embedded knowledge base
/// depends on (the sources, the grammar, the rules, the manifest and lock file), naming the
/// cache file of the loaded knowledge base so that no other build reads it.
fn build_key() {
    let root_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root_dir);
    let mut files = Vec::new();
    for dir in ["src", "grammar", "rules"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        walk(&root.join(dir), &mut files);
    }
    for f in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={}", root.join(f).display());
        files.push(root.join(f));
    }
    files.sort();
    // FNV-1a over each file's path and contents.
    let mut h = fnv::START;
    for f in &files {
        let name = f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .into_owned();
        let bytes = fs::read(f).unwrap_or_default();
        h = fnv::extend(h, name.bytes().chain([0]).chain(bytes).chain([0]));
    }
    let profile = env::var("PROFILE").unwrap_or_default();
    println!("cargo:rustc-env=SUPPORTKB_BUILD_KEY={h:016x}-{profile}");
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}
