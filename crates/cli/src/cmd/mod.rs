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
