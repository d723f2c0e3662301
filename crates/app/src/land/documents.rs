//! The documents of case steps (调查通知书, 认定书, 听证告知书, 决定书, 协议, 限期整改通知书, 退出
//! 建议书 and 决定书) as PDF: the text follows 53号令 and the action plan, the facts table the
//! stored step.

use mujun_land::cases::{CaseKind, Step};
use mujun_land::idle::{Cause, NegotiatedOption};
use mujun_report::Document;
use mujun_store::land_cases::{self, CaseRow, CaseStep};
use mujun_store::{Scope, StoreError, land_projects};
use serde_json::json;

use super::{LAND_DEPARTMENT, yuan};
use crate::audit::{Who, write};
use crate::download::Download;
use crate::evaluation::format::{chinese_date, number};
use crate::evaluation::pdf::PDF;
use crate::{Actor, App, AppError};

impl App {
    /// The document a step issued, as PDF (whoever may see the case; the download is audited).
    pub async fn land_case_document(
        &self,
        actor: &Actor,
        case_id: i64,
        step_id: i64,
    ) -> Result<Download, AppError> {
        let rights = self.land_reader(actor, "land.case_document").await?;
        let r = self.visible_case(actor, &rights, case_id).await?;
        let mut c = self.store.read().await?;
        let steps = land_cases::steps(&mut c, case_id).await?;
        let project = land_projects::project(&mut c, r.case.contract_id, &Scope::All)
            .await?
            .ok_or(AppError::NotFound("项目"))?;
        let land_office = mujun_store::departments::list(&mut c)
            .await?
            .into_iter()
            .find(|d| d.code == LAND_DEPARTMENT)
            .map_or_else(|| "自然资源主管部门".to_owned(), |d| d.name);
        drop(c);
        let Some(s) = steps.iter().find(|s| s.id == step_id) else {
            return Err(AppError::NotFound("文书"));
        };
        let Some(step) = Step::parse(&s.step).filter(|st| st.document().is_some()) else {
            return Err(AppError::NotFound("文书"));
        };
        let kind = CaseKind::parse(&r.case.kind).unwrap_or(CaseKind::Idle);
        let issuer = match kind {
            CaseKind::Idle => land_office,
            CaseKind::Exit => self.site.agency.clone(),
        };
        let (idleness, _, _) = self.case_finding(&r).await?;
        let take_back = idleness.full_years() >= self.land.idle.take_back_after_years;
        let doc = document(&r, &project, step, s, &steps, &issuer, take_back, &self.land);
        let title = doc.title.clone();
        let bytes = self.typeset(move || mujun_report::document_pdf(&doc)).await?;
        let mut tx = self.store.begin().await?;
        write(
            &mut tx,
            Who::Actor(actor),
            "land.case_document",
            ("land_case", &case_id.to_string()),
            json!({"name": title, "doc_no": s.doc_no, "bytes": bytes.len()}),
            "ok",
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Download::bytes(
            format!("{title}（{}）.pdf", r.enterprise_name),
            PDF,
            bytes,
        ))
    }
}

/// The text of a step's document.
#[allow(clippy::too_many_arguments)] // Each is one part of the text; a struct would only rename them.
fn document(
    r: &CaseRow,
    p: &land_projects::Project,
    step: Step,
    s: &CaseStep,
    steps: &[CaseStep],
    issuer: &str,
    take_back: bool,
    rules: &super::LandRules,
) -> Document {
    let k = &p.contract;
    let parcel = format!(
        "位于{}、宗地编号为{}、面积 {} 亩的国有建设用地使用权（{}，合同编号 {}）",
        if p.location.is_empty() {
            "本市"
        } else {
            &p.location
        },
        p.certificate_no,
        number(p.area_mu, 2),
        super::contracts::supply_mode_label(&k.supply_mode),
        k.contract_no
    );
    let finding = &r.case.finding;
    let cause = r.case.cause.as_deref().and_then(Cause::parse);
    let deadline = s.deadline.clone().unwrap_or_default();
    let served_from = if s.served_on.is_some() {
        "自收到本文书之日起"
    } else {
        "自送达之日起"
    };
    let decision = if take_back || steps.iter().any(|x| x.step == Step::TakeBackDecision.id()) {
        "无偿收回国有建设用地使用权"
    } else {
        "征缴土地闲置费"
    };
    let mut paragraphs = Vec::new();
    match step {
        Step::Investigation => {
            paragraphs.push(format!(
                "经初步核查，你单位{parcel}，{finding}，涉嫌构成闲置土地。根据《闲置土地处置办法》（国土资源部令第53号）第五条、第六条的规定，现对该宗土地开展调查。"
            ));
            paragraphs.push(format!(
                "请你单位{served_from} {} 日内，向我局提交土地开发利用情况、闲置原因以及相关说明材料。属于政府或者政府有关部门原因造成闲置的，应当提供相关证明材料。",
                rules.cases.answer_days
            ));
        }
        Step::Identification => {
            paragraphs.push(format!(
                "经调查核实，你单位{parcel}，{finding}。根据《闲置土地处置办法》第二条、第九条的规定，认定该宗土地为闲置土地。"
            ));
            match cause {
                Some(Cause::Government(g)) => paragraphs.push(format!(
                    "经核实，造成土地闲置的原因属于政府原因：{}。依照该办法第八条、第十二条的规定，由政府与你单位协商确定处置方式。",
                    g.label()
                )),
                _ => paragraphs.push(
                    "经核实，造成土地闲置的原因属于你单位自身原因。依照该办法第十四条的规定，将依法予以处置。".to_owned(),
                ),
            }
            paragraphs.push("依照该办法第十条的规定，该宗闲置土地的位置、使用权人和闲置时间等将在门户网站上公开，处置完毕后撤销公开。".to_owned());
        }
        Step::Notification => {
            paragraphs.push(format!(
                "你单位{parcel}已被认定为闲置土地（{finding}）。我局拟依照《闲置土地处置办法》第十四条的规定对该宗土地作出{decision}的决定。"
            ));
            paragraphs.push(format!(
                "根据该办法第十五条的规定，你单位有权要求举行听证。要求听证的，应当{served_from} {} 日内以书面形式提出；逾期未提出的，视为放弃听证。",
                rules.cases.hearing_request_days
            ));
        }
        Step::FeeDecision => {
            let fee = r.case.fee_fen.map(yuan).unwrap_or_default();
            paragraphs.push(format!(
                "你单位{parcel}，{finding}，已被认定为因你单位自身原因造成的闲置土地，闲置满一年。"
            ));
            paragraphs.push(format!(
                "根据《闲置土地处置办法》第十四条第（一）项的规定，经本级人民政府批准，决定按照土地{}价款 {} 元的 {}% 征缴土地闲置费 {fee} 元。",
                super::contracts::supply_mode_label(&k.supply_mode),
                yuan(k.price_fen),
                rules.idle.fee_permille / 10
            ));
            paragraphs.push(format!(
                "请你单位{served_from} {} 日内缴纳。土地闲置费不得列入生产成本。如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
                rules.cases.comply_days
            ));
        }
        Step::TakeBackDecision => {
            paragraphs.push(format!(
                "你单位{parcel}，{finding}，已被认定为因你单位自身原因造成的闲置土地，闲置满两年。"
            ));
            paragraphs.push(
                "根据《中华人民共和国城市房地产管理法》第二十六条和《闲置土地处置办法》第十四条第（二）项的规定，经有批准权的人民政府批准，决定无偿收回该宗国有建设用地使用权。"
                    .to_owned(),
            );
            paragraphs.push(format!(
                "请你单位{served_from} {} 日内办理国有建设用地使用权注销登记，交回土地权利证书。该宗土地设有抵押权的，本决定书同时抄送抵押权人。如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
                rules.cases.comply_days
            ));
        }
        Step::Negotiation => {
            let option = r
                .case
                .negotiated_option
                .as_deref()
                .and_then(NegotiatedOption::parse)
                .map_or("", NegotiatedOption::label);
            paragraphs.push(format!(
                "你单位{parcel}已被认定为闲置土地。造成闲置的原因为{}。",
                cause.map(Cause::label).unwrap_or_default()
            ));
            paragraphs.push(format!(
                "依照《闲置土地处置办法》第十二条、第十三条的规定，经双方协商，该宗土地采取“{option}”的方式处置{}。",
                if deadline.is_empty() { String::new() } else { format!("，期限至 {deadline}") }
            ));
        }
        Step::RectificationNotice => {
            paragraphs.push(format!(
                "你单位投资建设的“{}”项目（合同编号 {}，{parcel}），{finding}。",
                k.project_name, k.contract_no
            ));
            paragraphs.push(format!(
                "根据《驻马店市亩均效益评价改革行动方案》关于企业退出机制的规定，请你单位于 {deadline} 前完成整改，按合同约定推进项目建设。逾期未达到整改目标的，将依法启动强制退出程序。"
            ));
        }
        Step::ExitProposal => {
            paragraphs.push(format!(
                "“{}”项目（合同编号 {}，投资主体：{}），{finding}，经限期整改，至整改期限届满仍未达到整改目标。",
                k.project_name, k.contract_no, r.enterprise_name
            ));
            paragraphs.push("根据《驻马店市亩均效益评价改革行动方案》关于企业退出机制的规定，建议对该项目实施强制退出；涉及闲置土地的，依照《闲置土地处置办法》一并处置。".to_owned());
        }
        Step::ExitDecision => {
            paragraphs.push(format!(
                "你单位投资建设的“{}”项目（合同编号 {}），{finding}，经限期整改仍未达到整改目标。",
                k.project_name, k.contract_no
            ));
            paragraphs.push("根据《驻马店市亩均效益评价改革行动方案》关于企业退出机制的规定，决定该项目强制退出，终止享受招商引资优惠政策；项目用地涉及闲置的，依照《闲置土地处置办法》处置。".to_owned());
        }
        Step::Hearing | Step::Rectified | Step::Closing | Step::Dismissal => {}
    }
    if !s.note.is_empty() {
        paragraphs.push(format!("说明：{}", s.note));
    }
    paragraphs.push("特此通知。".to_owned());
    if matches!(
        step,
        Step::FeeDecision | Step::TakeBackDecision | Step::ExitDecision
    ) {
        paragraphs.pop();
        paragraphs.push("特此决定。".to_owned());
    }
    let mut facts = vec![
        ("宗地编号".to_owned(), p.certificate_no.clone()),
        ("宗地面积".to_owned(), format!("{} 亩", number(p.area_mu, 2))),
        ("合同编号".to_owned(), k.contract_no.clone()),
        ("约定动工日期".to_owned(), k.agreed_start.clone()),
        ("签发日期".to_owned(), s.issued_on.clone()),
    ];
    if let Some(d) = &s.served_on {
        facts.push(("送达日期".to_owned(), d.clone()));
    }
    if !deadline.is_empty() {
        facts.push(("期限".to_owned(), deadline.clone()));
    }
    Document {
        title: step.document().unwrap_or("").to_owned(),
        doc_no: s.doc_no.clone(),
        addressee: r.enterprise_name.clone(),
        paragraphs,
        facts,
        issuer: issuer.to_owned(),
        issued: chinese_date(&s.issued_on),
        footer: format!("{issuer} · {}", step.document().unwrap_or("")),
    }
}
