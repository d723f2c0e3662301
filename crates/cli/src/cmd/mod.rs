//! One module per command.

pub mod audit;
pub mod backup;
pub mod config;
pub mod demo;
pub mod demo_data;
pub mod evaluate;
pub mod history;
pub mod import;
pub mod init;
pub mod methods;
pub mod registry;
pub mod serve;
pub mod user;

use anyhow::Context;
use mujun_engine::{Method, presets};

/// A preset id or the path of a method file.
pub fn load_method(spec: &str) -> anyhow::Result<Method> {
    if presets::source(spec).is_some() {
        return Ok(presets::load(spec)?);
    }
    let path = std::path::Path::new(spec);
    if path.exists() {
        let text = std::fs::read_to_string(path).with_context(|| format!("无法读取方法文件 {spec}"))?;
        return Method::parse(&text).with_context(|| format!("方法文件 {spec} 无效"));
    }
    let ids: Vec<&str> = presets::PRESETS.iter().map(|(id, _)| *id).collect();
    anyhow::bail!(
        "“{spec}”既不是内置评价方法（{}），也不是存在的方法文件",
        ids.join("、")
    )
}

/// Reads a column-mapping file (`--mapping`): TOML with a table `["列对应"]`.
pub fn read_mapping(
    path: Option<&std::path::Path>,
) -> anyhow::Result<Option<mujun_collect::mapping::ColumnMapping>> {
    let Some(path) = path else { return Ok(None) };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取列对应文件 {}", path.display()))?;
    mujun_collect::mapping::ColumnMapping::from_toml(&text)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))
}

/// Reports a refused file: its first 200 problems on stderr (and how many more), all of them in
/// the workbook `errors_out` when given; then the error that ends the command.
pub fn refused_file(
    name: &str,
    source: &std::path::Path,
    errors: &[mujun_collect::upload::Issue],
    errors_out: Option<&std::path::Path>,
) -> anyhow::Error {
    for e in errors.iter().take(200) {
        eprintln!("{e}");
    }
    if errors.len() > 200 {
        eprintln!("……另有 {} 处问题", errors.len() - 200);
    }
    if let Some(out) = errors_out {
        // The file itself with the bad cells marked; a problem list when it cannot be read again.
        let marked = std::fs::read(source).ok().and_then(|bytes| {
            mujun_collect::upload::marked_issues(
                name,
                &bytes,
                errors,
                mujun_collect::upload::Limits::default(),
            )
            .ok()
        });
        let written = marked
            .map_or_else(|| mujun_collect::registry::problem_workbook(errors), Ok)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| {
                std::fs::write(out, bytes).with_context(|| format!("无法写入 {}", out.display()))
            });
        match written {
            Ok(()) => eprintln!(
                "标注了问题的工作簿已写入 {}（问题单元格标红，另有“问题清单”工作表）",
                out.display()
            ),
            Err(e) => eprintln!("{e:#}"),
        }
    }
    anyhow::anyhow!("文件 {name} 有 {} 处问题，未导入任何数据", errors.len())
}
