//! Embeds the built dashboard: writes `$OUT_DIR/site_files.rs`, one
//! `("rel/path", include_bytes!(...))` per file under `dashboard/site/` (sorted, `/`
//! separated), so a file added to the site needs no code change. The site is committed
//! (`npm run build` in dashboard/ writes it), so building gtt needs no Node.

use std::io::{Error, ErrorKind};
use std::path::{Path, PathBuf};

const SITE: &str = "dashboard/site";

fn main() -> std::io::Result<()> {
    println!("cargo:rerun-if-changed={SITE}");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| missing("CARGO_MANIFEST_DIR"))?);
    let site = manifest.join(SITE);
    if !site.join("index.html").is_file() {
        return Err(Error::new(
            ErrorKind::NotFound,
            format!("{} has no index.html: run `npm ci && npm run build` in dashboard/", site.display()),
        ));
    }
    let mut files = Vec::new();
    collect(&site, "", &mut files)?;
    files.sort();
    let mut code = String::from("/// The built dashboard (dashboard/site): relative path, bytes.\n");
    code.push_str("pub(crate) const SITE_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &files {
        code.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| missing("OUT_DIR"))?);
    std::fs::write(out.join("site_files.rs"), code)
}

fn missing(var: &str) -> Error {
    Error::new(ErrorKind::NotFound, format!("cargo did not set {var}"))
}

/// Every regular file under `dir`, as (`/`-separated path relative to the site, path).
fn collect(dir: &Path, rel: &str, files: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().into_string().map_err(|n| {
            Error::new(ErrorKind::InvalidData, format!("{}: not a UTF-8 file name: {n:?}", dir.display()))
        })?;
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&entry.path(), &child, files)?;
        } else if kind.is_file() {
            files.push((child, entry.path()));
        }
    }
    Ok(())
}
