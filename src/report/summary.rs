//! 汇总_<period>.xlsx: 总览, 台账汇总, 亮牌预警, 单位排名, 领导分管, 报送情况,
//! 校验问题, 退回明细, 督办提示.

use std::path::Path;

use anyhow::Result;

use crate::pipeline::RunResult;

/// Write the consolidated workbook.
pub fn write_summary(r: &RunResult, path: &Path) -> Result<()> {
    let _ = (r, path);
    todo!("report::summary::write_summary")
}
