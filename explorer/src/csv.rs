//! Lists as CSV (RFC 4180): a header row of labels, then one row per item, CRLF line ends, and a
//! UTF-8 byte-order mark so spreadsheet programs read the Chinese labels right.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::html::Table;

/// Most rows one CSV download holds; the `Link: rel="next"` header says where to go on.
pub(crate) const CSV_ROWS_MAX: usize = 10_000;

/// `field`, quoted if it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// `table` as a CSV text.
pub(crate) fn text(table: &Table) -> String {
    let mut out = String::from("\u{feff}");
    let line =
        |cells: Vec<String>| cells.iter().map(|cell| field(cell)).collect::<Vec<_>>().join(",");
    out.push_str(&line(table.columns.clone()));
    out.push_str("\r\n");
    for row in &table.rows {
        out.push_str(&line(row.iter().map(|cell| cell.text.clone()).collect()));
        out.push_str("\r\n");
    }
    out
}

/// `table` as a CSV download named `name.csv`; `next` is the address of the rows after it.
pub(crate) fn response(name: &str, table: &Table, next: Option<String>) -> Response {
    let mut response = text(table).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let file: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(next) = next
        && let Ok(value) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\""))
    {
        headers.insert(header::LINK, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::Cell;

    #[test]
    fn fields_with_commas_quotes_or_breaks_are_quoted() {
        let table = Table {
            columns: vec!["名称".into(), "说明".into()],
            rows: vec![vec![Cell::text("a,b"), Cell::text("say \"hi\"\nthen")]],
            next: None,
            total: None,
            csv: None,
        };

        let text = text(&table);

        assert_eq!(text, "\u{feff}名称,说明\r\n\"a,b\",\"say \"\"hi\"\"\nthen\"\r\n");
    }
}
