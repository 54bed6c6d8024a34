//! A light scan of an OpenDocument spreadsheet's `content.xml`: the used
//! area of each table (calamine expands repeated rows and columns into a
//! dense grid on open, so a stray cell far away must be caught first) and its
//! merged areas (calamine does not report them for .ods).

use std::collections::HashSet;
use std::io::{Cursor, Read};

use calamine::Dimensions;

use super::ole::Extent;

/// What the scan found in one table (sheet).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct OdsTable {
    pub(crate) name: String,
    pub(crate) extent: Option<Extent>,
    pub(crate) merges: Vec<Dimensions>,
    /// Cells whose value type is `percentage` (calamine reads them as plain floats).
    pub(crate) percent_cells: HashSet<(u32, u32)>,
    /// The table (or a cell annotation in it) is never closed: calamine 0.38
    /// loops forever on such a `content.xml`, so the file must not reach it.
    pub(crate) unclosed: bool,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

fn num_attr(tag: &str, name: &str) -> u32 {
    attr(tag, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Scan `content.xml` of an .ods held in memory. None when it cannot be read.
pub(crate) fn scan(bytes: &[u8], max_inflated: u64) -> Option<Vec<OdsTable>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let f = zip.by_name("content.xml").ok()?;
    let mut xml = Vec::new();
    f.take(max_inflated).read_to_end(&mut xml).ok()?;
    Some(scan_xml(&String::from_utf8_lossy(&xml)))
}

pub(crate) fn scan_xml(xml: &str) -> Vec<OdsTable> {
    let mut tables = Vec::new();
    let mut table: Option<OdsTable> = None;
    let (mut row, mut col, mut row_repeat) = (0u32, 0u32, 1u32);
    let mut open_annotations = 0u32;
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let self_closing = tag.ends_with('/');
        let name = match tag.strip_prefix('/') {
            Some(closing) => &tag[..closing.trim_end().len() + 1],
            None => {
                let end = tag
                    .find(|c: char| c.is_whitespace() || c == '/')
                    .unwrap_or(tag.len());
                &tag[..end]
            }
        };
        match name {
            "table:table" if !self_closing => {
                table = Some(OdsTable {
                    name: unescape(attr(tag, "table:name").unwrap_or_default()),
                    ..Default::default()
                });
                row = 0;
            }
            "/table:table" => {
                if let Some(mut t) = table.take() {
                    t.unclosed = open_annotations > 0;
                    tables.push(t);
                }
                open_annotations = 0;
            }
            "office:annotation" if !self_closing => open_annotations += 1,
            "/office:annotation" => open_annotations = open_annotations.saturating_sub(1),
            "table:table-row" => {
                row_repeat = num_attr(tag, "table:number-rows-repeated");
                col = 0;
                if self_closing {
                    row = row.saturating_add(row_repeat);
                }
            }
            "/table:table-row" => row = row.saturating_add(row_repeat),
            name @ ("table:table-cell" | "table:covered-table-cell") => {
                let col_repeat = num_attr(tag, "table:number-columns-repeated");
                let Some(t) = table.as_mut() else {
                    continue;
                };
                let has_value = attr(tag, "office:value-type").is_some() || !self_closing;
                if has_value && name == "table:table-cell" {
                    let last_row = row.saturating_add(row_repeat - 1);
                    let last_col = col.saturating_add(col_repeat - 1);
                    let e = t.extent.get_or_insert(Extent {
                        min_row: row,
                        max_row: last_row,
                        min_col: col,
                        max_col: last_col,
                    });
                    e.min_row = e.min_row.min(row);
                    e.max_row = e.max_row.max(last_row);
                    e.min_col = e.min_col.min(col);
                    e.max_col = e.max_col.max(last_col);
                }
                if attr(tag, "office:value-type") == Some("percentage")
                    && row_repeat * col_repeat <= 1024
                {
                    for r in row..row.saturating_add(row_repeat) {
                        for c in col..col.saturating_add(col_repeat) {
                            t.percent_cells.insert((r, c));
                        }
                    }
                }
                if name == "table:table-cell" {
                    let rs = num_attr(tag, "table:number-rows-spanned");
                    let cs = num_attr(tag, "table:number-columns-spanned");
                    if rs > 1 || cs > 1 {
                        t.merges.push(Dimensions::new(
                            (row, col),
                            (row.saturating_add(rs - 1), col.saturating_add(cs - 1)),
                        ));
                    }
                }
                col = col.saturating_add(col_repeat);
            }
            _ => {}
        }
    }
    if let Some(mut t) = table {
        t.unclosed = true;
        tables.push(t);
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclosed_tables_and_annotations_are_flagged() {
        let ok = r#"<table:table table:name="A"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x</text:p></office:annotation><text:p>1</text:p></table:table-cell></table:table-row></table:table><table:table table:name="B"/>"#;
        let t = scan_xml(ok);
        assert_eq!(t.len(), 1);
        assert!(!t[0].unclosed);
        let cut = r#"<table:table table:name="A"><table:table-row><table:table-cell/></table:table-row></table:ta<x/>ble>"#;
        assert!(scan_xml(cut)[0].unclosed);
        let note = r#"<table:table table:name="A"><table:table-row><table:table-cell><office:annotation><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(scan_xml(note)[0].unclosed);
    }

    #[test]
    fn repeated_rows_cells_and_spans() {
        let xml = r#"<office:spreadsheet><table:table table:name="A&amp;B">
<table:table-column table:number-columns-repeated="3"/>
<table:table-row><table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1" office:value-type="string"><text:p>标题</text:p></table:table-cell><table:covered-table-cell/><table:table-cell/></table:table-row>
<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="percentage" office:value="0.6"><text:p>60%</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="5"/><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
</table:table><table:table table:name="Empty"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet>"#;
        let t = scan_xml(xml);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "A&B");
        assert_eq!(
            t[0].extent,
            Some(Extent {
                min_row: 0,
                max_row: 1001,
                min_col: 0,
                max_col: 5
            })
        );
        assert_eq!(t[0].merges, vec![Dimensions::new((0, 0), (0, 1))]);
        assert_eq!(t[0].percent_cells.len(), 1000);
        assert!(t[0].percent_cells.contains(&(1000, 3)));
        assert_eq!(t[1].extent, None);
    }
}
