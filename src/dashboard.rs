//! `gtt dashboard`: writes the prebuilt static site with a `config.json` that tells it
//! where the data is. One build serves every user; nothing is patched into the HTML.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::store::Files;

#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// Where the site finds gtt's files.
#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    /// A base URL ending in `/` (a gist's raw URL) or a relative folder (`data/`).
    pub source: String,
}

/// The built site: `--site-dir`, else `/dashboard` (the image), else `dashboard/dist`.
pub fn find_site(given: Option<&Path>) -> Result<PathBuf, Error> {
    let candidates: Vec<PathBuf> = match given {
        Some(p) => vec![p.to_path_buf()],
        None => vec![PathBuf::from("/dashboard"), PathBuf::from("dashboard/dist")],
    };
    candidates.into_iter().find(|p| p.join("index.html").is_file()).ok_or_else(|| {
        Error(
            "no built dashboard found (looked for index.html in input `site-dir`, /dashboard, ./dashboard/dist): run `npm ci && npm run build` in dashboard/, or pass --site-dir"
                .to_string(),
        )
    })
}

/// Copies the site into `out`, writes `config.json`, and for a local folder also the
/// data files under `data/` plus `data.js`, so `index.html` opens from `file://`.
pub fn write_site(site: &Path, out: &Path, config: &SiteConfig, data: Option<&Files>) -> Result<(), Error> {
    copy_dir(site, out)?;
    let io = |p: &Path, e: std::io::Error| Error(format!("cannot write {}: {e}", p.display()));
    let cfg = serde_json::to_string_pretty(config).map_err(|e| Error(e.to_string()))?;
    std::fs::write(out.join("config.json"), cfg).map_err(|e| io(&out.join("config.json"), e))?;
    if let Some(files) = data {
        let dir = out.join("data");
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        for (name, content) in files {
            std::fs::write(dir.join(name), content).map_err(|e| io(&dir.join(name), e))?;
        }
        // `<script src="data.js">` works from file://, where fetch() does not. The JSON
        // is escaped so no file content can close the script element.
        let json = serde_json::to_string(files).map_err(|e| Error(e.to_string()))?;
        let js = format!("window.GTT_DATA = {};\n", json.replace("</", "<\\/").replace("<!--", "<\\!--"));
        std::fs::write(out.join("data.js"), js).map_err(|e| io(&out.join("data.js"), e))?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Error> {
    let io = |p: &Path, e: std::io::Error| Error(format!("cannot copy {}: {e}", p.display()));
    std::fs::create_dir_all(to).map_err(|e| io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| io(&path, e))?;
        }
    }
    Ok(())
}
