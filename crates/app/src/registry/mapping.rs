//! Column mapping of a city's own files (issue 11): after an upload the city administrator sees
//! the detected columns with a few values each and says what each stands for — a registry field,
//! a class-file field, or a catalogue item and its unit. The confirmed mapping is remembered per
//! file layout (the fingerprint of its headers) and applied again, without asking, to the next
//! file of the same layout, by the page, the API and the command line alike.

pub use mujun_collect::mapping::ColumnMapping;
use mujun_collect::mapping::{preview, unit_options};
use mujun_collect::upload::{CODE_HEADERS, recognise};
use mujun_domain::normalize_text;
use mujun_store::{StoreError, mappings};
use serde_json::json;

use crate::audit::{Who, write};
use crate::{Actor, App, AppError};

/// The kind of a city's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The enterprise registry.
    Registry,
    /// Classes published in earlier years.
    Classes,
    /// Figures of an earlier year.
    Figures,
}

impl FileKind {
    /// Every kind.
    pub const ALL: [FileKind; 3] = [FileKind::Registry, FileKind::Classes, FileKind::Figures];

    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Registry => "registry",
            FileKind::Classes => "classes",
            FileKind::Figures => "figures",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Registry => "企业名录",
            FileKind::Classes => "历年评价类别",
            FileKind::Figures => "历年数据",
        }
    }
}

/// Something a column can stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingTarget {
    /// Our header (without unit): the value of the choice.
    pub header: String,
    /// What the page shows.
    pub label: String,
    /// A file without it is refused.
    pub required: bool,
    /// Units it may be written in (empty: none to choose).
    pub units: Vec<&'static str>,
}

/// One detected column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedColumn {
    /// 0-based column.
    pub index: usize,
    /// Header as written.
    pub header: String,
    /// A few values under it.
    pub samples: Vec<String>,
    /// The target it is taken for (empty: ignored).
    pub target: String,
    /// Its unit, for an item with units.
    pub unit: String,
    /// Taken from the remembered mapping or recognised by its header (not a guess to check).
    pub recognised: bool,
    /// Not recognised, but its target guessed from its header's words or its values: preselected
    /// for the person to confirm.
    pub guessed: bool,
}

/// What the mapping step shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingView {
    /// The kind of file.
    pub kind: FileKind,
    /// The kept file (for the confirming request).
    pub file_id: i64,
    /// File name.
    pub file_name: String,
    /// The layout's fingerprint.
    pub fingerprint: String,
    /// The columns, in file order (empty headers left out).
    pub columns: Vec<DetectedColumn>,
    /// What a column can stand for.
    pub targets: Vec<MappingTarget>,
    /// Required targets no column stands for.
    pub missing: Vec<String>,
    /// A mapping for this layout was remembered.
    pub remembered: bool,
}

impl MappingView {
    /// Nothing to ask: every required field found and every column recognised (or the layout's
    /// mapping remembered).
    pub fn complete(&self) -> bool {
        self.missing.is_empty() && (self.remembered || self.columns.iter().all(|c| c.recognised))
    }
}

/// A file whose columns are mapped: ready for its import.
#[derive(Clone, Debug)]
pub struct MappedFile {
    /// The kind of file.
    pub kind: FileKind,
    /// File name.
    pub file_name: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// The confirmed mapping.
    pub mapping: ColumnMapping,
}

fn split_target(t: &str) -> (&str, &str) {
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(stripped) = t.strip_suffix(close)
            && let Some(i) = stripped.rfind(open)
        {
            return (&stripped[..i], &stripped[i + open.len()..]);
        }
    }
    (t, "")
}

/// The mapping a page's choices (target, unit) per column make; every problem in words.
fn build(
    kind: FileKind,
    columns: &[DetectedColumn],
    targets: &[MappingTarget],
    choices: &[(String, String)],
) -> Result<ColumnMapping, Vec<String>> {
    let mut mapping = ColumnMapping::none();
    let mut problems = Vec::new();
    let mut used: Vec<(&str, &str)> = Vec::new();
    for (col, (target, unit)) in columns.iter().zip(choices) {
        let (target, unit) = (target.trim(), unit.trim());
        if target.is_empty() {
            mapping.set(&col.header, "");
            continue;
        }
        let Some(t) = targets.iter().find(|t| t.header == target) else {
            problems.push(format!("列“{}”：没有“{target}”这一项", col.header));
            continue;
        };
        if let Some((other, _)) = used.iter().find(|(_, h)| *h == t.header.as_str()) {
            problems.push(format!(
                "列“{}”与列“{other}”都对应到“{}”，每一项只能对应一列",
                col.header, t.label
            ));
            continue;
        }
        used.push((&col.header, &t.header));
        let header = if t.units.is_empty() {
            t.header.clone()
        } else {
            let unit = if unit.is_empty() { t.units[0] } else { unit };
            if !t.units.contains(&unit) {
                problems.push(format!(
                    "列“{}”：单位“{unit}”不支持，可用：{}",
                    col.header,
                    t.units.join("、")
                ));
                continue;
            }
            if kind == FileKind::Figures {
                format!("{}（{unit}）", t.header)
            } else {
                t.header.clone()
            }
        };
        mapping.set(&col.header, &header);
    }
    for t in targets.iter().filter(|t| t.required) {
        if !used.iter().any(|(_, h)| *h == t.header.as_str()) {
            problems.push(format!("必填项“{}”没有对应的列", t.label));
        }
    }
    if problems.is_empty() {
        Ok(mapping)
    } else {
        Err(problems)
    }
}

impl App {
    /// What a column of a `kind` file can stand for.
    pub async fn mapping_targets(&self, kind: FileKind) -> Result<Vec<MappingTarget>, AppError> {
        let plain = |header: &str, required: bool| MappingTarget {
            header: header.to_owned(),
            label: if required {
                format!("{header}（必填）")
            } else {
                header.to_owned()
            },
            required,
            units: Vec::new(),
        };
        Ok(match kind {
            FileKind::Registry => mujun_collect::registry::COLUMNS
                .iter()
                .map(|(c, names)| plain(names[0], c.required()))
                .collect(),
            FileKind::Classes => mujun_collect::history::FIELDS
                .iter()
                .map(|(names, required)| plain(names[0], *required))
                .collect(),
            FileKind::Figures => {
                let mut v = vec![plain(CODE_HEADERS[0], true)];
                for item in self.catalogue().await? {
                    let units = unit_options(&item);
                    v.push(MappingTarget {
                        label: if item.unit.is_empty() {
                            item.label.clone()
                        } else {
                            format!("{}（{}）", item.label, item.unit)
                        },
                        header: item.label.clone(),
                        required: false,
                        units,
                    });
                }
                v
            }
        })
    }

    /// The remembered mapping of a layout, if any.
    async fn remembered(&self, kind: FileKind, fingerprint: &str) -> Result<Option<ColumnMapping>, AppError> {
        let mut c = self.store.read().await?;
        Ok(mappings::get(&mut c, kind.as_str(), fingerprint)
            .await?
            .and_then(|m| serde_json::from_str(&m).ok()))
    }

    /// The mapping an import uses: the one given (remembered for the layout), else the one
    /// remembered for the file's layout, else none.
    pub(crate) async fn mapping_for(
        &self,
        actor: &Actor,
        kind: FileKind,
        file_name: &str,
        bytes: &[u8],
        given: Option<&ColumnMapping>,
    ) -> Result<ColumnMapping, AppError> {
        let print = preview(file_name, bytes, self.upload_limits, 0)
            .map(|p| p.fingerprint)
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        match given {
            Some(m) => {
                self.remember(actor, kind, &print, m).await?;
                Ok(m.clone())
            }
            None => Ok(self.remembered(kind, &print).await?.unwrap_or_default()),
        }
    }

    async fn remember(
        &self,
        actor: &Actor,
        kind: FileKind,
        fingerprint: &str,
        mapping: &ColumnMapping,
    ) -> Result<(), AppError> {
        let text = serde_json::to_string(mapping).map_err(|e| AppError::Crypto(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        mappings::set(&mut tx, kind.as_str(), fingerprint, &text, Some(actor.user_id)).await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "mapping.save",
            ("column_mapping", fingerprint),
            json!({"kind": kind.as_str(), "columns": mapping.columns}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Keeps an uploaded file and shows its columns: what each is taken for (from the mapping
    /// remembered for its layout, or by its header) and a few of its values.
    pub async fn detect_columns(
        &self,
        actor: &Actor,
        kind: FileKind,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<MappingView, AppError> {
        self.require_registry_editor(actor, "mapping.detect", ("column_mapping", ""))
            .await?;
        let (limits, name) = (self.upload_limits, file_name.to_owned());
        let (p, bytes) = self
            .cpu(move || (preview(&name, &bytes, limits, 200), bytes))
            .await?;
        let p = p.map_err(|e| AppError::invalid("file", e.to_string()))?;
        let file_id = {
            let mut tx = self.store.begin().await?;
            let id = mappings::keep(&mut tx, actor.user_id, kind.as_str(), file_name, &bytes).await?;
            tx.commit().await.map_err(StoreError::from)?;
            id
        };
        self.view_of(kind, file_id, file_name, p).await
    }

    /// The columns of a kept file (see [`App::detect_columns`]).
    pub async fn kept_columns(&self, actor: &Actor, file_id: i64) -> Result<MappingView, AppError> {
        self.require_registry_editor(actor, "mapping.detect", ("column_mapping", ""))
            .await?;
        let kept = self.kept_file(actor, file_id).await?;
        let kind = FileKind::parse(&kept.kind).ok_or(AppError::NotFound("文件类型"))?;
        let (limits, name, content) = (self.upload_limits, kept.file_name.clone(), kept.content);
        let p = self
            .cpu(move || preview(&name, &content, limits, 200))
            .await?
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        self.view_of(kind, file_id, &kept.file_name, p).await
    }

    /// The mapping step of a kept file from its preview.
    async fn view_of(
        &self,
        kind: FileKind,
        file_id: i64,
        file_name: &str,
        p: mujun_collect::mapping::Preview,
    ) -> Result<MappingView, AppError> {
        let targets = self.mapping_targets(kind).await?;
        let remembered = self.remembered(kind, &p.fingerprint).await?;
        let items = if kind == FileKind::Figures {
            self.catalogue().await?
        } else {
            Vec::new()
        };
        let mut columns = Vec::new();
        for (index, header) in p.headers.iter().enumerate() {
            if header.is_empty() {
                continue;
            }
            let (target, unit, recognised) = match &remembered {
                Some(m) => {
                    let mapped = m.apply(header);
                    let same = |t: &str| targets.iter().find(|x| normalize_text(&x.header) == t);
                    match same(mapped) {
                        Some(t) => (t.header.clone(), String::new(), true),
                        None => {
                            let (t, u) = split_target(mapped);
                            match same(t) {
                                Some(t) if !t.units.is_empty() => (t.header.clone(), u.to_owned(), true),
                                Some(t) => (t.header.clone(), String::new(), true),
                                None => (String::new(), String::new(), true),
                            }
                        }
                    }
                }
                None => detect(kind, header, &targets, &items),
            };
            let (target, guessed) = if target.is_empty() && !recognised {
                let g = guess(kind, header, &p.samples[index]);
                (g.unwrap_or_default().to_owned(), g.is_some())
            } else {
                (target, false)
            };
            columns.push(DetectedColumn {
                index,
                header: header.clone(),
                samples: p.samples[index].clone(),
                target,
                unit,
                recognised,
                guessed,
            });
        }
        let missing = targets
            .iter()
            .filter(|t| t.required && !columns.iter().any(|c| c.target == t.header))
            .map(|t| t.header.clone())
            .collect();
        Ok(MappingView {
            kind,
            file_id,
            file_name: file_name.to_owned(),
            fingerprint: p.fingerprint,
            columns,
            targets,
            missing,
            remembered: remembered.is_some(),
        })
    }

    async fn kept_file(&self, actor: &Actor, file_id: i64) -> Result<mappings::SetupFile, AppError> {
        let mut c = self.store.read().await?;
        mappings::kept(&mut c, file_id, actor.user_id)
            .await?
            .ok_or(AppError::NotFound("待对应的文件（可能已超过一天，请重新上传）"))
    }

    /// Confirms the mapping of a kept file — per column in file order, its target header (empty:
    /// ignore) and unit — remembers it for the layout and hands back the file for its import.
    pub async fn map_columns(
        &self,
        actor: &Actor,
        file_id: i64,
        choices: &[(String, String)],
    ) -> Result<MappedFile, AppError> {
        self.require_registry_editor(actor, "mapping.save", ("column_mapping", ""))
            .await?;
        let kept = self.kept_file(actor, file_id).await?;
        let kind = FileKind::parse(&kept.kind).ok_or(AppError::NotFound("文件类型"))?;
        let p = preview(&kept.file_name, &kept.content, self.upload_limits, 0)
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        let columns: Vec<DetectedColumn> = p
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(index, header)| DetectedColumn {
                index,
                header: header.clone(),
                samples: Vec::new(),
                target: String::new(),
                unit: String::new(),
                recognised: false,
                guessed: false,
            })
            .collect();
        if choices.len() != columns.len() {
            return Err(AppError::invalid(
                "mapping",
                format!("文件有 {} 列，提交了 {} 列的对应", columns.len(), choices.len()),
            ));
        }
        let targets = self.mapping_targets(kind).await?;
        let mapping = build(kind, &columns, &targets, choices)
            .map_err(|problems| AppError::invalid("mapping", problems.join("；")))?;
        self.remember(actor, kind, &p.fingerprint, &mapping).await?;
        let mut tx = self.store.begin().await?;
        mappings::drop_kept(&mut tx, file_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(MappedFile {
            kind,
            file_name: kept.file_name,
            bytes: kept.content,
            mapping,
        })
    }

    /// Remembers a mapping for a layout given by its fingerprint (the API's way to say what a
    /// layout's columns are before importing files of it). Every target must be one of
    /// [`App::mapping_targets`], with a unit it offers.
    pub async fn save_mapping(
        &self,
        actor: &Actor,
        kind: FileKind,
        fingerprint: &str,
        mapping: &ColumnMapping,
    ) -> Result<(), AppError> {
        self.require_registry_editor(actor, "mapping.save", ("column_mapping", fingerprint))
            .await?;
        if fingerprint.len() != 64 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid("fingerprint", "表头指纹应为 64 位十六进制数字"));
        }
        let targets = self.mapping_targets(kind).await?;
        let allowed: Vec<String> = targets
            .iter()
            .flat_map(|t| {
                let mut v = vec![normalize_text(&t.header).into_owned()];
                if kind == FileKind::Figures {
                    v.extend(
                        t.units
                            .iter()
                            .map(|u| normalize_text(&format!("{}（{u}）", t.header)).into_owned()),
                    );
                }
                v
            })
            .collect();
        let wrong: Vec<String> = mapping
            .columns
            .iter()
            .filter(|(_, t)| !t.is_empty() && !allowed.contains(t))
            .map(|(h, t)| format!("列“{h}”：没有“{t}”这一项"))
            .collect();
        if !wrong.is_empty() {
            return Err(AppError::invalid("mapping", wrong.join("；")));
        }
        self.remember(actor, kind, fingerprint, mapping).await
    }

    /// Keeps a refused file with every problem marked (its cells coloured, a note on each, the
    /// sheet 问题清单), for a day, for its sender to download and fix in Excel.
    pub async fn keep_marked_file(
        &self,
        actor: &Actor,
        kind: FileKind,
        file_name: &str,
        bytes: Vec<u8>,
        errors: Vec<mujun_collect::upload::Issue>,
    ) -> Result<i64, AppError> {
        self.require_registry_editor(actor, "mapping.detect", ("column_mapping", ""))
            .await?;
        let (limits, name) = (self.upload_limits, file_name.to_owned());
        let marked = self
            .cpu(move || mujun_collect::upload::marked_issues(&name, &bytes, &errors, limits))
            .await?
            .map_err(|e| AppError::invalid("file", e.to_string()))?;
        let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
        let mut tx = self.store.begin().await?;
        let id = mappings::keep(
            &mut tx,
            actor.user_id,
            kind.as_str(),
            &format!("{stem}-问题标注.xlsx"),
            &marked,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// A kept file of the caller, as a download (audited: a file of figures is confidential).
    pub async fn kept_file_download(
        &self,
        actor: &Actor,
        file_id: i64,
    ) -> Result<crate::download::Download, AppError> {
        self.require_registry_editor(
            actor,
            "export.setup_file",
            ("column_mapping", &file_id.to_string()),
        )
        .await?;
        let kept = self.kept_file(actor, file_id).await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "export.setup_file",
            ("setup_file", &file_id.to_string()),
            json!({"kind": kept.kind, "file_name": kept.file_name, "bytes": kept.content.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let content_type = if kept.file_name.to_ascii_lowercase().ends_with(".csv") {
            "text/csv; charset=utf-8"
        } else {
            crate::download::XLSX
        };
        Ok(crate::download::Download::bytes(
            kept.file_name,
            content_type,
            kept.content,
        ))
    }

    /// A kept file with the mapping detected for it (no question left): for the page when
    /// [`MappingView::complete`].
    pub async fn take_kept_file(&self, actor: &Actor, view: &MappingView) -> Result<MappedFile, AppError> {
        let choices: Vec<(String, String)> = view
            .columns
            .iter()
            .map(|c| (c.target.clone(), c.unit.clone()))
            .collect();
        self.map_columns(actor, view.file_id, &choices).await
    }
}

/// A likely target of a column no header rule recognises: credit codes by their values, the
/// registry's fields by the words of their header. Never taken without the person's confirmation.
fn guess(kind: FileKind, header: &str, samples: &[String]) -> Option<&'static str> {
    if !samples.is_empty() && samples.iter().all(|v| mujun_domain::CreditCode::parse(v).is_ok()) {
        return Some(CODE_HEADERS[0]);
    }
    let has = |words: &[&str]| words.iter().any(|w| header.contains(w));
    match kind {
        FileKind::Registry if has(&["名称", "全称", "企业名"]) => Some("企业名称"),
        FileKind::Registry if has(&["园区", "集聚区", "开发区"]) => Some("产业集聚区"),
        FileKind::Registry if has(&["县", "区域", "辖区"]) => Some("县区"),
        FileKind::Registry if has(&["行业"]) => Some("行业代码"),
        FileKind::Classes if has(&["年"]) => Some("年度"),
        FileKind::Classes if has(&["类", "结果", "等级"]) => Some("评价类别"),
        FileKind::Classes if has(&["文号", "文件"]) => Some("发布文件"),
        _ => None,
    }
}

/// What a header is taken for without a remembered mapping: `(target, unit, recognised)`.
fn detect(
    kind: FileKind,
    header: &str,
    targets: &[MappingTarget],
    items: &[mujun_collect::CatalogueItem],
) -> (String, String, bool) {
    let h = normalize_text(header);
    match kind {
        FileKind::Registry => mujun_collect::registry::COLUMNS
            .iter()
            .find(|(_, names)| names.iter().any(|n| normalize_text(n) == h))
            .map_or((String::new(), String::new(), false), |(_, names)| {
                (names[0].to_owned(), String::new(), true)
            }),
        FileKind::Classes => mujun_collect::history::FIELDS
            .iter()
            .find(|(names, _)| names.iter().any(|n| normalize_text(n) == h))
            .map_or((String::new(), String::new(), false), |(names, _)| {
                (names[0].to_owned(), String::new(), true)
            }),
        FileKind::Figures => {
            if CODE_HEADERS.contains(&h.as_ref()) {
                return (CODE_HEADERS[0].to_owned(), String::new(), true);
            }
            match recognise(&h, items) {
                Some((i, unit)) => {
                    let t = targets.iter().find(|t| t.header == items[i].label);
                    let unit = if t.is_some_and(|t| !t.units.is_empty()) {
                        unit
                    } else {
                        String::new()
                    };
                    (items[i].label.clone(), unit, true)
                }
                None => (String::new(), String::new(), false),
            }
        }
    }
}
