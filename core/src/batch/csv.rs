//! The CSV the batch flow reads and writes (RFC 4180): fields separated by commas, quoted with `"` when
//! they hold a comma, a quote or a line break, a quote inside quotes doubled; lines end in LF or CRLF.

/// A CSV text that cannot be read: where, and why.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("CSV line {line}: {message}")]
pub struct CsvError {
    /// The 1-based line where the problem starts.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One record of a CSV text: its fields, the 1-based line it starts on, and its size in the text.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) fields: Vec<String>,
    /// Bytes of the text the record spans (quotes and separators included, the line break not).
    pub(crate) bytes: usize,
}

/// Splits a CSV text into records, in one pass (linear in the text). Blank lines between records are
/// skipped; a quote left open is an error.
pub(crate) fn read(text: &str) -> Result<Vec<Record>, CsvError> {
    read_from(text.strip_prefix('\u{feff}').unwrap_or(text), 1)
}

/// Like [`read`], for a part of a text that starts at line `first_line` (no byte-order mark looked for).
pub(crate) fn read_from(text: &str, first_line: usize) -> Result<Vec<Record>, CsvError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = first_line;
    let mut record_line = first_line;
    let mut quoted = false;
    let mut quote_line = first_line;
    // Whether the current record holds anything yet (to skip blank lines).
    let mut started = false;
    // Bytes of the current record so far.
    let mut bytes = 0;
    while let Some(c) = chars.next() {
        bytes += c.len_utf8();
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    bytes += 1;
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    // A closed quote ends the field: only a separator or the end of the line may follow.
                    if !matches!(chars.peek(), None | Some(',' | '\n' | '\r')) {
                        return Err(CsvError {
                            line,
                            message: "text after a closing quote (quote the whole field and double the quote)".into(),
                        });
                    }
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
                started = true;
            }
            '"' => {
                return Err(CsvError {
                    line,
                    message: "a quote inside an unquoted field (quote the whole field and double the quote)".into(),
                });
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => bytes -= 1,
            '\n' => {
                if started || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    records.push(Record { line: record_line, fields: std::mem::take(&mut fields), bytes: bytes - 1 });
                }
                bytes = 0;
                started = false;
                line += 1;
                record_line = line;
            }
            _ => {
                field.push(c);
                started = true;
            }
        }
    }
    if quoted {
        return Err(CsvError { line: quote_line, message: "a quoted field is never closed".into() });
    }
    if started || !field.is_empty() {
        fields.push(field);
        records.push(Record { line: record_line, fields, bytes });
    }
    Ok(records)
}

/// Appends one record to `out`, quoting the fields that need it, ending in CRLF.
pub(crate) fn write_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ') {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        read(text).unwrap().into_iter().map(|r| r.fields).collect()
    }

    #[test]
    fn reads_quotes_commas_line_breaks_and_crlf() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\n,,\nlast";
        assert_eq!(fields(text), vec![vec!["a", "b", "c"], vec!["x, y", "say \"hi\"", "two\nlines"], vec!["", "", ""], vec!["last"],]);
        let lines: Vec<usize> = read(text).unwrap().iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5, 6]);
        let bytes: Vec<usize> = read(text).unwrap().iter().map(|r| r.bytes).collect();
        assert_eq!(bytes, vec![5, text.split("\r\n").nth(1).unwrap().len(), 2, 4]);
        assert_eq!(fields("\u{feff}first_name\n"), vec![vec!["first_name"]]);
    }

    #[test]
    fn names_the_line_of_a_broken_quote() {
        assert_eq!(read("a\n\"open,b\nc").unwrap_err().line, 2);
        assert_eq!(read("a\nb\"c\n").unwrap_err().line, 2);
        assert!(read("a\n\"b\"c,d\n").unwrap_err().message.contains("after a closing quote"));
    }

    #[test]
    fn writes_what_it_reads() {
        let mut out = String::new();
        write_record(&mut out, ["plain", "with, comma", "with \"quote\"", "two\nlines", " padded", ""]);
        assert_eq!(fields(&out), vec![vec!["plain", "with, comma", "with \"quote\"", "two\nlines", " padded", ""]]);
    }
}
