//! Two realistic sample documents that use every block: a monthly 通报
//! (several pages, an attachment table longer than a page, 版记) and a 督办单
//! with its 回执. Tests render them; the figures are made up.

use chrono::NaiveDate;

use super::{Column, DocTable, DocumentStyle, DocxBuilder, Imprint, Receipt, Span};

pub(super) const OFFICE: &str = "四方台区人民政府督查室";

pub(super) fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

/// Units of the sample, with their 分管负责人.
const UNITS: [(&str, &str); 8] = [
    ("区发展和改革局", "王建国"),
    ("区财政局", "李红梅"),
    ("区住房和城乡建设局", "张卫东"),
    ("区农业农村局", "刘海燕"),
    ("区生态环境分局", "陈志强"),
    ("区教育局", "杨丽华"),
    ("太保镇人民政府", "赵永刚"),
    ("振兴街道办事处", "孙晓明"),
];

/// The attachment: behind and overdue tasks (long enough to span pages).
pub(super) fn behind_table(rows: usize) -> DocTable {
    let mut t = DocTable::new(vec![
        Column::new("序号", 1.0).center(),
        Column::new("任务编号", 1.8).center(),
        Column::new("重点任务", 4.8),
        Column::new("牵头单位", 2.4),
        Column::new("序时进度(%)", 1.3).right(),
        Column::new("实际进度(%)", 1.3).right(),
        Column::new("状态", 1.0).center(),
    ]);
    for i in 0..rows {
        let (unit, _) = UNITS[i % UNITS.len()];
        let planned = 50 + (i * 7) % 45;
        let actual = planned.saturating_sub(10 + (i * 3) % 25);
        let overdue = i % 4 == 3;
        let status = if overdue {
            Span::red("逾期")
        } else {
            Span::new("滞后")
        };
        t.rich_row([
            vec![Span::new((i + 1).to_string())],
            vec![Span::new(format!("ZD-{:03}", i + 1))],
            vec![Span::new(format!(
                "推进第{}批重点项目前期手续办理，完成用地、环评和施工许可等要件审批",
                i + 1
            ))],
            vec![Span::new(unit)],
            vec![Span::new(format!("{planned}.0"))],
            vec![Span::new(format!("{actual}.0"))],
            vec![status],
        ]);
    }
    t
}

fn ranking_table() -> DocTable {
    let mut t = DocTable::new(vec![
        Column::new("名次", 1.0).center(),
        Column::new("单位", 4.0),
        Column::new("得分", 1.5).right(),
        Column::new("较上月", 1.5).center(),
    ]);
    for (i, (unit, _)) in UNITS.iter().enumerate() {
        let score = format!("{:.1}", 96.5 - i as f64 * 3.2);
        let change = ["↑2", "—", "↓1", "↑1", "↓2", "—", "↑3", "↓4"][i];
        t.row([
            (i + 1).to_string(),
            unit.to_string(),
            score,
            change.to_string(),
        ]);
    }
    t
}

/// The monthly 通报: every block but the 回执.
pub(super) fn tongbao(style: &DocumentStyle) -> DocxBuilder {
    let mut d = DocxBuilder::new(style);
    d.created(day())
        .masthead(OFFICE, Some("第12期"))
        .title("关于2026年11月全区重点工作推进情况的通报")
        .addressee("各乡镇（街道）、区直各部门：")
        .text("按照区政府重点工作督查安排，区政府督查室对2026年11月全区重点工作推进情况进行了调度汇总，现将有关情况通报如下：")
        .heading1("一、总体情况")
        .text("本月纳入督办的重点任务共128项，应报送126项，实际报送121项。其中已完成36项，按序时进度推进69项，滞后序时进度16项，逾期未完成5项。按时报送单位42个，逾期报送单位3个，未报送单位2个。")
        .heading1("二、亮牌情况")
        .paragraph([
            Span::new("本月共亮牌9个，其中"),
            Span::red("红牌1个").bold(),
            Span::new("、黄牌3个、蓝牌5个。区住房和城乡建设局“老旧小区改造”任务连续两个月滞后序时进度20个百分点以上，亮红牌。"),
        ])
        .heading2("（一）红牌单位。", ["区住房和城乡建设局（ZD-017 老旧小区改造，序时进度75.0%，实际进度48.0%，连续两期滞后）。"])
        .heading2("（二）黄牌单位。", ["区财政局、区农业农村局、太保镇人民政府。"])
        .heading1("三、排名情况");
    d.text("根据各单位重点任务推进情况综合评分，排名如下：")
        .table(ranking_table())
        .text("区发展和改革局、区财政局、区住房和城乡建设局位列前三位，予以通报表扬；排名后三位的单位由分管区领导约谈主要负责人。")
        .heading1("四、分管领导推进情况")
        .paragraph([
            Span::new("区财政局分管负责人"),
            Span::blue("李红梅"),
            Span::new("同志分管的3项任务均按序时推进；区住房和城乡建设局分管负责人"),
            Span::red("张卫东"),
            Span::new("同志分管的任务中2项滞后、1项逾期。"),
        ])
        .heading1("五、未按时报送情况")
        .text("区教育局、振兴街道办事处未按规定时限报送11月推进情况，予以通报批评。")
        .heading1("六、下步工作要求")
        .heading2("（一）压实工作责任。", ["各单位主要负责同志要切实履行第一责任人职责，对滞后和逾期任务逐项研究，制定整改措施，明确完成时限。"])
        .heading2("（二）加快推进进度。", ["亮牌单位要在收到通报后5个工作日内将整改情况书面报区政府督查室。"])
        .heading2("（三）严格报送纪律。", ["每月25日前报送当月推进情况，逾期未报的视为工作滞后。"])
        .attachment_note(["2026年11月重点工作滞后及逾期事项清单"])
        .signature(OFFICE, day())
        .attachment_page("附件", "2026年11月重点工作滞后及逾期事项清单")
        .table(behind_table(40))
        .imprint(Imprint {
            cc: Some("区委办公室，区人大常委会办公室，区政协办公室，区纪委监委机关，区委组织部".to_string()),
            printer: OFFICE.to_string(),
            date: day(),
        });
    d
}

/// A 督办单 with its 回执.
pub(super) fn dubandan(style: &DocumentStyle) -> DocxBuilder {
    let mut d = DocxBuilder::new(style);
    d.created(day())
        .masthead(OFFICE, Some("四政督〔2026〕12号"))
        .title("重点工作督办单")
        .addressee("区住房和城乡建设局：")
        .text("你单位牵头的下列重点任务本月滞后序时进度20个百分点以上，已连续两期亮牌，现予督办：")
        .table({
            let mut t = DocTable::new(vec![
                Column::new("任务编号", 1.2).center(),
                Column::new("重点任务", 4.0),
                Column::new("序时进度(%)", 1.4).right(),
                Column::new("实际进度(%)", 1.4).right(),
            ]);
            t.row(["ZD-017", "老旧小区改造", "75.0", "48.0"]);
            t.row(["ZD-023", "城区供热管网改造", "80.0", "55.0"]);
            t
        })
        .text("请于2026年12月9日前完成整改，并将办理情况填写回执报区政府督查室。联系人：王明，电话：0469-1234567。")
        .signature(OFFICE, day())
        .receipt(Receipt::new(NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()).with_field("承办单位", "区住房和城乡建设局"));
    d
}
