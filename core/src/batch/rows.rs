//! The rows of a batch: one recipient each, as records or read from CSV.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::api_error::{ErrorCode, ErrorItem, ErrorType};
use crate::batch::csv::{self, CsvError};
use crate::json::JsonValue as Value;
use crate::limits::{MAX_BODY_BYTES, MAX_CSV_RECORD_BYTES, MAX_QUOTED_CHARS, quoted};
use crate::loose::{Scanner, Unreadable, read_whole};

use crate::params::{ExtraFields, NewGiftRequest, NewLineItem, NewRecipient, NewShippingAddress};

/// One row of a batch: who to gift and, for direct-send, where and what.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct BatchRow {
    /// The caller's key for the row (a CRM id, a table row id). It goes into the row's send key, so the
    /// same row run again is recognised. From CSV: the `row_key` column, else the record's line number.
    pub row_key: String,
    /// The recipient.
    pub recipient: NewRecipient,
    /// Direct-send: the address.
    pub shipping_address: Option<NewShippingAddress>,
    /// Direct-send: the items; `None` takes the batch's default items when the row has an address.
    pub line_items: Option<Vec<NewLineItem>>,
    /// Problems found while reading the row (a quantity that is not a number, extra fields): reported
    /// with the row's validation errors.
    pub problems: Vec<ErrorItem>,
}

impl BatchRow {
    /// A choice-mode row.
    pub fn new(row_key: impl Into<String>, recipient: NewRecipient) -> BatchRow {
        BatchRow { row_key: row_key.into(), recipient, ..BatchRow::default() }
    }

    /// The gift request this row asks for, in `campaign_id`, with `default_items` for a direct-send row
    /// that names no items.
    pub(crate) fn gift_request(&self, campaign_id: &str, default_items: &[NewLineItem]) -> NewGiftRequest {
        let line_items = match (&self.line_items, &self.shipping_address) {
            (Some(items), _) => Some(items.clone()),
            (None, Some(_)) if !default_items.is_empty() => Some(default_items.to_vec()),
            (None, _) => None,
        };
        NewGiftRequest {
            campaign_id: campaign_id.to_owned(),
            recipient: self.recipient.clone(),
            shipping_address: self.shipping_address.clone(),
            line_items,
            ..NewGiftRequest::default()
        }
    }
}

/// The rows of a CSV text, and the columns that were not used.
#[derive(Clone, PartialEq, Debug)]
pub struct CsvRows {
    /// One row per record after the header.
    pub rows: Vec<BatchRow>,
    /// Header names the batch does not read (a company, a score): listed so that nothing is dropped
    /// unseen.
    pub ignored_columns: Vec<String>,
}

const RECIPIENT: [&str; 3] = ["first_name", "last_name", "email"];
const ADDRESS: [&str; 7] = ["address1", "address2", "city", "region", "postal_code", "country_code", "phone"];
const ITEM: [&str; 3] = ["sku", "variant_id", "quantity"];

/// Reads rows from CSV with a header line. Header names are matched without regard to case, spaces or
/// dashes (`First Name` is `first_name`). Columns: `first_name` and `last_name` (required), `email`,
/// `row_key`, the shipping columns `address1`, `address2`, `city`, `region`, `postal_code`,
/// `country_code`, `phone` (a row with any of them is direct-send), and one item's `sku`, `variant_id`,
/// `quantity`. Values are kept exactly as written: validation judges them, nothing is trimmed or fixed.
/// **DECISION**: a row with an item but an empty or absent `quantity` asks for one of it (a spreadsheet
/// lists one item per row); JSON rows, which are create bodies, must give their quantity.
///
/// A record longer than [`MAX_BODY_BYTES`] is not read: its row carries one `body_too_large` problem whose
/// param names its largest field, and fails when planned. Linear in the text, whatever the header's width.
pub fn rows_from_csv(text: &str) -> Result<CsvRows, CsvError> {
    let records = csv::read(text)?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(CsvError { line: 1, message: "the CSV is empty: a header line is required".into() });
    };
    let columns = Columns::of(&header)?;
    let ignored_columns = columns.ignored();
    let rows = records.map(|record| columns.row(&record)).collect();
    Ok(CsvRows { rows, ignored_columns })
}

/// Reads the rows of a CSV text handed over in pieces of any size (a file read a block at a time), by the
/// rules of [`rows_from_csv`]: each [`CsvRowReader::push`] returns the rows whose records are complete, and
/// [`CsvRowReader::finish`] the last one. It holds only the record not yet complete, up to
/// [`MAX_CSV_RECORD_BYTES`]; a longer one (a quote left open) is an error naming the line it starts on.
/// Linear in the text, whatever the size of the pieces.
#[derive(Default)]
pub struct CsvRowReader {
    /// Text received and not yet read: the start of a record.
    pending: String,
    /// How far `pending` was scanned for the end of its record, and whether that point is inside quotes.
    scanned: usize,
    in_quotes: bool,
    /// The line `pending` starts on.
    line: usize,
    columns: Option<Columns>,
    /// Whether any text came (a byte-order mark is looked for only at the very start).
    started: bool,
    /// Whether [`CsvRowReader::finish`] was called.
    finished: bool,
}

impl CsvRowReader {
    /// A reader waiting for the first piece (the header comes first).
    pub fn new() -> CsvRowReader {
        CsvRowReader { line: 1, ..CsvRowReader::default() }
    }

    /// Header names the batch does not read, once the header line has been read.
    pub fn ignored_columns(&self) -> Vec<String> {
        self.columns.as_ref().map(Columns::ignored).unwrap_or_default()
    }

    /// Reads the next piece of the text; returns the rows it completes. A piece may end anywhere, even
    /// inside a character's bytes of the file if the host decodes per piece (it must not: decode the
    /// stream as a whole, as Python's text files do).
    pub fn push(&mut self, piece: &str) -> Result<Vec<BatchRow>, CsvError> {
        if self.finished {
            return Ok(Vec::new());
        }
        let piece = if self.started { piece } else { piece.strip_prefix('\u{feff}').unwrap_or(piece) };
        self.started |= !piece.is_empty();
        let mut pending = std::mem::take(&mut self.pending);
        pending.push_str(piece);
        let mut rows = Vec::new();
        let mut consumed = 0;
        let mut at = self.scanned;
        while let Some(&byte) = pending.as_bytes().get(at) {
            match byte {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => {
                    let record = pending.get(consumed..=at).unwrap_or_default();
                    let read = csv::read_from(record, self.line)?;
                    self.line += record.bytes().filter(|b| *b == b'\n').count();
                    for record in read {
                        if let Some(row) = self.take(&record)? {
                            rows.push(row);
                        }
                    }
                    consumed = at + 1;
                }
                _ => {}
            }
            at += 1;
        }
        pending.drain(..consumed);
        self.scanned = pending.len();
        self.pending = pending;
        if self.pending.len() > MAX_CSV_RECORD_BYTES {
            return Err(CsvError {
                line: self.line,
                message: format!(
                    "the record starting here is still open after {} bytes, over the SDK's limit of {MAX_CSV_RECORD_BYTES} \
                     (MAX_CSV_RECORD_BYTES): a quote left open?",
                    self.pending.len()
                ),
            });
        }
        Ok(rows)
    }

    /// Reads what is left after the last piece; an error names a quote left open or a text without a header.
    pub fn finish(&mut self) -> Result<Vec<BatchRow>, CsvError> {
        if self.finished {
            return Ok(Vec::new());
        }
        self.finished = true;
        let rest = std::mem::take(&mut self.pending);
        let mut rows = Vec::new();
        for record in csv::read_from(&rest, self.line)? {
            if let Some(row) = self.take(&record)? {
                rows.push(row);
            }
        }
        if self.columns.is_none() {
            return Err(CsvError { line: 1, message: "the CSV is empty: a header line is required".into() });
        }
        Ok(rows)
    }

    /// The row of a record, or `None` for the header.
    fn take(&mut self, record: &csv::Record) -> Result<Option<BatchRow>, CsvError> {
        match &self.columns {
            Some(columns) => Ok(Some(columns.row(record))),
            None => {
                self.columns = Some(Columns::of(record)?);
                Ok(None)
            }
        }
    }
}

fn normalise(name: &str) -> String {
    name.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

/// The header of a CSV text: each column's normalised name, and where each name stands (looked up in
/// constant time, so that reading a row costs the same whatever the header's width).
struct Columns {
    raw: Vec<String>,
    names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    /// Header names the batch does not read, as written.
    fn ignored(&self) -> Vec<String> {
        let known = |n: &str| RECIPIENT.contains(&n) || ADDRESS.contains(&n) || ITEM.contains(&n) || n == "row_key";
        self.raw.iter().zip(&self.names).filter(|(_, n)| !known(n)).map(|(raw, _)| raw.clone()).collect()
    }

    /// Reads the header; the error names a required column that is missing or a name given twice.
    fn of(header: &csv::Record) -> Result<Columns, CsvError> {
        let names: Vec<String> = header.fields.iter().map(|n| normalise(n)).collect();
        let mut index = HashMap::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            if !name.is_empty() && index.insert(name.clone(), i).is_some() {
                return Err(CsvError { line: header.line, message: format!("the header names `{}` twice", quoted(name)) });
            }
        }
        for required in ["first_name", "last_name"] {
            if !index.contains_key(required) {
                return Err(CsvError { line: header.line, message: format!("the header has no `{required}` column") });
            }
        }
        Ok(Columns { raw: header.fields.clone(), names, index })
    }

    /// The value of column `name` in `record`, when the column exists and the value is not empty.
    fn get(&self, record: &csv::Record, name: &str) -> Option<String> {
        let index = *self.index.get(name)?;
        record.fields.get(index).filter(|v| !v.is_empty()).cloned()
    }

    /// The param a column's value stands for in a create body (its header name when the batch does not read it).
    fn param(&self, index: usize) -> String {
        let name = self.names.get(index).map_or("", String::as_str);
        match name {
            _ if RECIPIENT.contains(&name) => format!("recipient.{name}"),
            _ if ADDRESS.contains(&name) => format!("shipping_address.{name}"),
            _ if ITEM.contains(&name) => format!("line_items[0].{name}"),
            "row_key" => name.to_owned(),
            _ => self.raw.get(index).map_or_else(|| format!("column {}", index + 1), |raw| quoted(raw).into_owned()),
        }
    }

    fn row(&self, record: &csv::Record) -> BatchRow {
        if record.bytes > MAX_BODY_BYTES {
            return self.too_large(record);
        }
        let get = |name: &str| self.get(record, name);
        let mut problems = Vec::new();
        let width = self.names.len();
        if record.fields.len() > width && record.fields.get(width..).is_some_and(|extra| extra.iter().any(|f| !f.is_empty())) {
            problems.push(ErrorItem::validation(
                ErrorCode::Invalid,
                "row",
                format!("has {} fields but the header names {width}", record.fields.len()),
            ));
        }
        let recipient = NewRecipient {
            first_name: get("first_name").unwrap_or_default(),
            last_name: get("last_name").unwrap_or_default(),
            email: get("email"),
            ..NewRecipient::default()
        };
        let shipping_address = ADDRESS.iter().any(|c| get(c).is_some()).then(|| NewShippingAddress {
            address1: get("address1").unwrap_or_default(),
            address2: get("address2"),
            city: get("city").unwrap_or_default(),
            region: get("region").unwrap_or_default(),
            postal_code: get("postal_code").unwrap_or_default(),
            country_code: get("country_code").unwrap_or_default(),
            phone: get("phone").unwrap_or_default(),
            ..NewShippingAddress::default()
        });
        let line_items = ITEM.iter().any(|c| get(c).is_some()).then(|| {
            let quantity = match get("quantity") {
                None => 1,
                Some(text) => text.parse::<i64>().unwrap_or_else(|_| {
                    problems.push(ErrorItem::validation(
                        ErrorCode::InvalidFormat,
                        "line_items[0].quantity",
                        Cow::Owned(format!("must be a whole number, not `{}`", quoted(&text))),
                    ));
                    1
                }),
            };
            vec![NewLineItem { sku: get("sku"), variant_id: get("variant_id"), quantity, ..NewLineItem::default() }]
        });
        BatchRow {
            row_key: get("row_key").unwrap_or_else(|| format!("line {}", record.line)),
            recipient,
            shipping_address,
            line_items,
            problems,
        }
    }

    /// A record over [`MAX_BODY_BYTES`]: its key (when short enough to be one) and one `body_too_large`
    /// problem naming its largest field. Nothing else of it is kept.
    fn too_large(&self, record: &csv::Record) -> BatchRow {
        let largest = record.fields.iter().enumerate().max_by_key(|(_, f)| f.len()).map_or(0, |(i, _)| i);
        let size = record.fields.get(largest).map_or(0, String::len);
        let problem = too_large_problem(self.param(largest), record.bytes, size);
        let row_key =
            self.get(record, "row_key").filter(|k| k.len() <= MAX_QUOTED_CHARS).unwrap_or_else(|| format!("line {}", record.line));
        BatchRow { row_key, problems: vec![problem], ..BatchRow::default() }
    }
}

/// The problem of a row over [`MAX_BODY_BYTES`], at its largest field.
fn too_large_problem(param: String, row_bytes: usize, field_bytes: usize) -> ErrorItem {
    ErrorItem {
        error_type: ErrorType::ApiError,
        code: ErrorCode::BodyTooLarge,
        message: Cow::Owned(format!(
            "the row is {row_bytes} bytes, over the SDK's limit of {MAX_BODY_BYTES} (MAX_BODY_BYTES); its largest field, this one, is \
             {field_bytes} bytes"
        )),
        param: Some(param),
    }
}

/// Reads rows from a JSON array of objects, each a create body without `campaign_id` plus an optional
/// `row_key`: `[{"row_key": "crm-1", "recipient": {...}, "shipping_address": {...}, "line_items": [...]}]`.
/// Unknown fields of the recipient, the address and the items are kept and sent as given. A value of the
/// wrong JSON type becomes a problem on its row (`invalid_format` at its param), never a silent fix; only a
/// text that is not a JSON array of objects is refused as a whole. A row without `row_key` is keyed
/// `row {n}` (1-based). Read by the core's own JSON reader (no serde_json on this path). The error says what
/// is wrong with the text as a whole. A row whose text is longer than [`MAX_BODY_BYTES`] is not read: it
/// carries one `body_too_large` problem whose param names its largest member. Linear in the text.
pub fn rows_from_json(json: &[u8]) -> Result<Vec<BatchRow>, String> {
    let Ok(texts) = read_whole(json, row_texts) else {
        // Not an array of values: say whether it is JSON at all.
        Value::parse(json).map_err(|e| format!("the rows are not JSON: {e}"))?;
        return Err("the rows must be a JSON array of objects".into());
    };
    texts.iter().enumerate().map(|(i, text)| row_from_text(i, text)).collect()
}

/// The text of each element of a JSON array, as given.
fn row_texts<'a>(s: &mut Scanner<'a>) -> Result<Vec<&'a str>, Unreadable> {
    let mut texts = Vec::new();
    s.array(|s| {
        texts.push(s.skip()?);
        Ok(())
    })?;
    Ok(texts)
}

/// One row from its JSON text: read when it is within [`MAX_BODY_BYTES`], else refused at its largest
/// member, unread.
fn row_from_text(index: usize, text: &str) -> Result<BatchRow, String> {
    if !text.starts_with('{') {
        return Err(format!("row {} is not a JSON object", index + 1));
    }
    if text.len() > MAX_BODY_BYTES {
        let (param, size) = read_whole(text.as_bytes(), largest_member).map_err(|e| format!("row {}: {e}", index + 1))?;
        let problem = too_large_problem(param, text.len(), size);
        return Ok(BatchRow { row_key: format!("row {}", index + 1), problems: vec![problem], ..BatchRow::default() });
    }
    let value = Value::parse(text.as_bytes()).map_err(|e| format!("row {}: {e}", index + 1))?;
    Ok(row_from_object(index, &value))
}

/// The name and size of an object's largest member, read without building it.
fn largest_member(s: &mut Scanner<'_>) -> Result<(String, usize), Unreadable> {
    let mut largest = (String::new(), 0);
    s.object(|s, key| {
        let size = s.skip()?.len();
        if size >= largest.1 {
            largest = (quoted(&key).into_owned(), size);
        }
        Ok(())
    })?;
    Ok(largest)
}

const ROW_FIELDS: [&str; 4] = ["row_key", "recipient", "shipping_address", "line_items"];
const ITEM_FIELDS: [&str; 3] = ["sku", "variant_id", "quantity"];

fn row_from_object(index: usize, fields: &Value<'_>) -> BatchRow {
    let mut reader = Fields { problems: Vec::new() };
    let row_key = reader.text(fields.get("row_key"), "row_key").unwrap_or_else(|| format!("row {}", index + 1));
    let mut recipient = NewRecipient::default();
    if let Some(r) = reader.object(fields.get("recipient"), "recipient") {
        recipient.first_name = reader.text(r.get("first_name"), "recipient.first_name").unwrap_or_default();
        recipient.last_name = reader.text(r.get("last_name"), "recipient.last_name").unwrap_or_default();
        recipient.email = reader.text(r.get("email"), "recipient.email");
        keep_extra(r, &RECIPIENT, &mut recipient.extra);
    }
    let shipping_address = reader.object(fields.get("shipping_address"), "shipping_address").map(|a| {
        let mut address = NewShippingAddress {
            address1: reader.text(a.get("address1"), "shipping_address.address1").unwrap_or_default(),
            address2: reader.text(a.get("address2"), "shipping_address.address2"),
            city: reader.text(a.get("city"), "shipping_address.city").unwrap_or_default(),
            region: reader.text(a.get("region"), "shipping_address.region").unwrap_or_default(),
            postal_code: reader.text(a.get("postal_code"), "shipping_address.postal_code").unwrap_or_default(),
            country_code: reader.text(a.get("country_code"), "shipping_address.country_code").unwrap_or_default(),
            phone: reader.text(a.get("phone"), "shipping_address.phone").unwrap_or_default(),
            ..NewShippingAddress::default()
        };
        keep_extra(a, &ADDRESS, &mut address.extra);
        address
    });
    let line_items = match fields.get("line_items") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    let param = format!("line_items[{i}]");
                    let item = reader.object(Some(item), &param)?;
                    let quantity = match item.get("quantity") {
                        None | Some(Value::Null) => {
                            reader.problems.push(ErrorItem::validation(ErrorCode::Required, format!("{param}.quantity"), "is required"));
                            1
                        }
                        Some(n) => n.as_i64().unwrap_or_else(|| {
                            reader.problem(&format!("{param}.quantity"), "must be a whole number");
                            1
                        }),
                    };
                    let mut line = NewLineItem {
                        sku: reader.text(item.get("sku"), &format!("{param}.sku")),
                        variant_id: reader.text(item.get("variant_id"), &format!("{param}.variant_id")),
                        quantity,
                        ..NewLineItem::default()
                    };
                    keep_extra(item, &ITEM_FIELDS, &mut line.extra);
                    Some(line)
                })
                .collect(),
        ),
        Some(_) => {
            reader.problem("line_items", "must be an array");
            None
        }
    };
    for (name, _) in fields.as_object().unwrap_or_default() {
        if !ROW_FIELDS.contains(&name.as_ref()) {
            reader.problem(name, "is not a field of a batch row (the campaign is the batch's)");
        }
    }
    BatchRow { row_key, recipient, shipping_address, line_items, problems: reader.problems }
}

/// Keeps the members an object has beyond the modelled ones, as given.
fn keep_extra(object: &Value<'_>, modelled: &[&str], extra: &mut ExtraFields) {
    for (name, value) in object.as_object().unwrap_or_default() {
        if !modelled.contains(&name.as_ref()) {
            extra.insert_json(name.as_ref(), value);
        }
    }
}

/// Reads typed values out of JSON objects, collecting a problem for each value of the wrong type.
struct Fields {
    problems: Vec<ErrorItem>,
}

impl Fields {
    fn problem(&mut self, param: &str, message: &'static str) {
        self.problems.push(ErrorItem::validation(ErrorCode::InvalidFormat, param, message));
    }

    fn text(&mut self, value: Option<&Value<'_>>, param: &str) -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.to_string()),
            Some(_) => {
                self.problem(param, "must be a string");
                None
            }
        }
    }

    fn object<'v, 'a>(&mut self, value: Option<&'v Value<'a>>, param: &str) -> Option<&'v Value<'a>> {
        match value {
            None | Some(Value::Null) => None,
            Some(object @ Value::Object(_)) => Some(object),
            Some(_) => {
                self.problem(param, "must be an object");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of `text` read by a [`CsvRowReader`] fed pieces of `size` bytes (cut at character bounds).
    fn streamed(text: &str, size: usize) -> Result<(Vec<BatchRow>, Vec<String>), CsvError> {
        let mut reader = CsvRowReader::new();
        let mut rows = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let mut cut = size.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (piece, tail) = rest.split_at(cut);
            rows.extend(reader.push(piece)?);
            rest = tail;
        }
        rows.extend(reader.finish()?);
        Ok((rows, reader.ignored_columns()))
    }

    #[test]
    fn a_text_read_in_pieces_gives_the_rows_of_the_whole_text() {
        let text = "\u{feff}Row Key,First Name,Last Name,Email,Note\r\nk1,Ann,Smith,ann@example.com,\"two\r\nlines, \"\"quoted\"\"\"\r\n\n\
                    ,Bob,Jones,,\nk3,Zoë,Ünal,z@example.com,x\nk4,Al,,,\"\"\"\"\nk5,Cy,Doe,,\"end\"";
        let whole = rows_from_csv(text).unwrap();
        assert_eq!(whole.rows.len(), 5);
        for size in [1, 2, 3, 5, 7, 16, 64, text.len()] {
            let (rows, ignored) = streamed(text, size).unwrap();
            assert_eq!(rows, whole.rows, "pieces of {size} bytes");
            assert_eq!(ignored, whole.ignored_columns, "pieces of {size} bytes");
        }
        assert_eq!(whole.rows[1].row_key, "line 5");
    }

    #[test]
    fn a_streamed_text_names_the_line_of_its_errors() {
        for text in ["first_name,last_name\nAnn,Smith\nBo\"b,Jones\n", "first_name,last_name\nAnn,Smith\n\"Bob,Jones\n"] {
            let whole = rows_from_csv(text).unwrap_err();
            for size in [1, 4, 100] {
                assert_eq!(streamed(text, size).unwrap_err(), whole, "{text:?} in pieces of {size}");
            }
        }
        assert!(streamed("", 10).unwrap_err().message.contains("header line is required"));
        assert!(streamed("first_name\n", 10).unwrap_err().message.contains("`last_name`"));
    }

    #[test]
    fn a_quote_left_open_stops_a_streamed_text_at_the_limit() {
        let mut reader = CsvRowReader::new();
        assert_eq!(reader.push("first_name,last_name\nAnn,Smith\n\"Bob").unwrap().len(), 1);
        let block = "x".repeat(1 << 16);
        let mut error = None;
        for _ in 0..(MAX_CSV_RECORD_BYTES >> 16) + 2 {
            if let Err(e) = reader.push(&block) {
                error = Some(e);
                break;
            }
        }
        let error = error.expect("the reader refuses to hold more than the limit");
        assert_eq!(error.line, 3);
        assert!(error.message.contains("MAX_CSV_RECORD_BYTES"), "{error}");
    }

    #[test]
    fn reads_a_clay_export() {
        let text = "First Name,Last Name,Email,Company\nAnn,Smith,ann@example.com,Acme\n\"Bob\",Jones,,\"Big, Co\"\n";
        let read = rows_from_csv(text).unwrap();
        assert_eq!(read.ignored_columns, vec!["Company"]);
        assert_eq!(read.rows.len(), 2);
        let ann = &read.rows[0];
        assert_eq!(
            (ann.row_key.as_str(), ann.recipient.first_name.as_str(), ann.recipient.email.as_deref()),
            ("line 2", "Ann", Some("ann@example.com"))
        );
        assert!(ann.shipping_address.is_none() && ann.line_items.is_none() && ann.problems.is_empty());
        assert_eq!(read.rows[1].recipient.email, None);
        assert_eq!(read.rows[1].row_key, "line 3");
    }

    #[test]
    fn reads_direct_send_rows_and_keeps_values_as_written() {
        let text = "row_key,first_name,last_name,address1,city,region,postal_code,country_code,phone,sku,quantity\n\
                    r1,Ann,Smith,1 Main St,Dublin,Dublin, D01,ie,+353 1 234,MUG-1,two\n";
        let row = &rows_from_csv(text).unwrap().rows[0];
        assert_eq!(row.row_key, "r1");
        let address = row.shipping_address.as_ref().unwrap();
        assert_eq!((address.country_code.as_str(), address.postal_code.as_str()), ("ie", " D01"));
        let items = row.line_items.as_ref().unwrap();
        assert_eq!(items[0].sku.as_deref(), Some("MUG-1"));
        assert_eq!(row.problems.len(), 1);
        assert_eq!(row.problems[0].param.as_deref(), Some("line_items[0].quantity"));
        assert_eq!(row.problems[0].code, ErrorCode::InvalidFormat);
    }

    #[test]
    fn reads_json_rows_keeping_unknown_fields_and_flagging_wrong_types() {
        let json = br#"[
            {"row_key": "crm-1", "recipient": {"first_name": "Ann", "last_name": "Smith", "nickname": "Annie"}},
            {"recipient": {"first_name": "Bob", "last_name": 7},
             "shipping_address": {"address1": "1 Main St", "city": "Dublin", "region": "D", "postal_code": "D01", "country_code": "IE", "phone": "+3531"},
             "line_items": [{"sku": "MUG-1", "quantity": "two"}], "colour": "red"}
        ]"#;
        let rows = rows_from_json(json).unwrap();
        assert_eq!(rows[0].row_key, "crm-1");
        assert_eq!(rows[0].recipient.extra.iter().collect::<Vec<_>>(), vec![("nickname", "\"Annie\"")]);
        assert!(rows[0].problems.is_empty());
        assert_eq!(rows[1].row_key, "row 2");
        let params: Vec<&str> = rows[1].problems.iter().filter_map(|p| p.param.as_deref()).collect();
        assert_eq!(params, ["recipient.last_name", "line_items[0].quantity", "colour"]);
        assert_eq!(rows[1].shipping_address.as_ref().unwrap().country_code, "IE");
        assert!(rows_from_json(b"{}").is_err());
        assert!(rows_from_json(b"[1]").unwrap_err().contains("row 1"));
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(rows_from_csv("").unwrap_err().message.contains("header"));
        assert!(rows_from_csv("email\nann@example.com\n").unwrap_err().message.contains("first_name"));
        assert!(rows_from_csv("first_name,last_name,First Name\n").unwrap_err().message.contains("twice"));
        let extra = rows_from_csv("first_name,last_name\nAnn,Smith,surprise\n").unwrap();
        assert_eq!(extra.rows[0].problems[0].param.as_deref(), Some("row"));
    }

    #[test]
    fn a_row_over_the_body_limit_is_refused_at_its_largest_field_and_the_others_are_read() {
        let big = "x".repeat(MAX_BODY_BYTES);
        let text = format!("row_key,first_name,last_name,notes\nk1,Ann,Smith,{big}\nk2,Bob,Jones,short\n");
        let read = rows_from_csv(&text).unwrap();
        let refused = &read.rows[0];
        assert_eq!(refused.row_key, "k1");
        assert_eq!(refused.recipient.first_name, "", "nothing else of the row is kept");
        assert_eq!(refused.problems.len(), 1);
        assert_eq!((refused.problems[0].code.as_str(), refused.problems[0].param.as_deref()), ("body_too_large", Some("notes")));
        assert!(refused.problems[0].message.contains(&format!("{}", MAX_BODY_BYTES + 13)), "{}", refused.problems[0].message);
        assert!(read.rows[1].problems.is_empty());
        let text = format!("first_name,last_name\nAnn,{big}\n");
        assert_eq!(rows_from_csv(&text).unwrap().rows[0].problems[0].param.as_deref(), Some("recipient.last_name"));
        // Exactly at the limit is read.
        let at_limit = format!("first_name,last_name\nA,{}\n", "x".repeat(MAX_BODY_BYTES - 2));
        assert!(rows_from_csv(&at_limit).unwrap().rows[0].problems.is_empty());

        let json = format!(
            r#"[{{"row_key":"j1","recipient":{{"first_name":"Ann","last_name":"{big}"}}}},{{"recipient":{{"first_name":"Bob","last_name":"Jones"}}}}]"#
        );
        let rows = rows_from_json(json.as_bytes()).unwrap();
        assert_eq!(rows[0].row_key, "row 1");
        assert_eq!((rows[0].problems[0].code.as_str(), rows[0].problems[0].param.as_deref()), ("body_too_large", Some("recipient")));
        assert!(rows[1].problems.is_empty());
        assert!(rows_from_json(format!("[{{\"recipient\":\"{big}\"").as_bytes()).unwrap_err().contains("not JSON"));
    }

    #[test]
    fn reading_is_linear_in_the_text_whatever_the_header_width() {
        // 100,000 columns and 20,000 rows: a lookup that scanned the header per field, or a duplicate check
        // that compared every pair of names, would take minutes.
        let mut text: String = (0..100_000).map(|i| format!("c{i},")).collect();
        text.push_str("first_name,last_name\n");
        for i in 0..20_000 {
            text.push_str(&format!("A{i},B\n"));
        }
        let started = std::time::Instant::now();
        let read = rows_from_csv(&text).unwrap();
        assert_eq!(read.rows.len(), 20_000);
        assert_eq!(read.ignored_columns.len(), 100_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        let mut twice: String = (0..100_000).map(|i| format!("c{i},")).collect();
        twice.push_str("first_name,last_name,c99999\n");
        let started = std::time::Instant::now();
        assert!(rows_from_csv(&twice).unwrap_err().message.contains("`c99999` twice"));
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    }

    #[test]
    fn a_json_row_cannot_name_its_own_campaign() {
        let rows = rows_from_json(
            br#"[{"campaign_id": "c1b2c3d4-e5f6-7890-abcd-ef1234567890", "recipient": {"first_name": "A", "last_name": "B"}}]"#,
        )
        .unwrap();
        let params: Vec<_> = rows[0].problems.iter().filter_map(|p| p.param.as_deref()).collect();
        assert_eq!(params, ["campaign_id"]);
    }
}
