//! Embeds the CMG knowledge base in the binary: writes to `$OUT_DIR/embedded.rs` a list of
//! `(path, include_str!(…))` pairs of `rules/cmg/*.kb`, sorted by path, and another of the
//! other files there (the source texts the knowledge base pins).

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
    let mut out = String::new();
    for (list, doc, want_kb) in [
        ("EMBEDDED", "The embedded CMG knowledge base", true),
        ("EMBEDDED_TEXTS", "The source texts it pins", false),
    ] {
        out.push_str(&format!(
            "/// {doc}: `(path, text)` per file.\npub const {list}: &[(&str, &str)] = &[\n"
        ));
        for f in files.iter().filter(|f| is_kb(f) == want_kb) {
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
