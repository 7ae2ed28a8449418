//! The rows of a batch: one recipient each, as records or read from CSV.

use std::borrow::Cow;

use crate::api_error::{ErrorCode, ErrorItem};
use crate::batch::csv::{self, CsvError};
use crate::json::JsonValue as Value;

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
pub fn rows_from_csv(text: &str) -> Result<CsvRows, CsvError> {
    let records = csv::read(text)?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(CsvError { line: 1, message: "the CSV is empty: a header line is required".into() });
    };
    let names: Vec<String> = header.fields.iter().map(|n| normalise(n)).collect();
    for required in ["first_name", "last_name"] {
        if !names.iter().any(|n| n == required) {
            return Err(CsvError { line: header.line, message: format!("the header has no `{required}` column") });
        }
    }
    for (i, name) in names.iter().enumerate() {
        if !name.is_empty() && names.get(..i).is_some_and(|before| before.contains(name)) {
            return Err(CsvError { line: header.line, message: format!("the header names `{name}` twice") });
        }
    }
    let known = |n: &str| RECIPIENT.contains(&n) || ADDRESS.contains(&n) || ITEM.contains(&n) || n == "row_key";
    let ignored_columns = header.fields.iter().zip(&names).filter(|(_, n)| !known(n)).map(|(raw, _)| raw.clone()).collect();
    let rows = records.map(|record| row_from_record(&names, &record)).collect();
    Ok(CsvRows { rows, ignored_columns })
}

fn normalise(name: &str) -> String {
    name.trim().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() }).collect()
}

fn row_from_record(names: &[String], record: &csv::Record) -> BatchRow {
    let mut problems = Vec::new();
    if record.fields.len() > names.len() && record.fields.get(names.len()..).is_some_and(|extra| extra.iter().any(|f| !f.is_empty())) {
        problems.push(ErrorItem::validation(
            ErrorCode::Invalid,
            "row",
            format!("has {} fields but the header names {}", record.fields.len(), names.len()),
        ));
    }
    let get = |name: &str| -> Option<String> {
        let index = names.iter().position(|n| n == name)?;
        record.fields.get(index).filter(|v| !v.is_empty()).cloned()
    };
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
                    Cow::Owned(format!("must be a whole number, not `{text}`")),
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

/// Reads rows from a JSON array of objects, each a create body without `campaign_id` plus an optional
/// `row_key`: `[{"row_key": "crm-1", "recipient": {...}, "shipping_address": {...}, "line_items": [...]}]`.
/// Unknown fields of the recipient, the address and the items are kept and sent as given. A value of the
/// wrong JSON type becomes a problem on its row (`invalid_format` at its param), never a silent fix; only a
/// text that is not a JSON array of objects is refused as a whole. A row without `row_key` is keyed
/// `row {n}` (1-based). Read by the core's own JSON reader (no serde_json on this path). The error says what
/// is wrong with the text as a whole.
pub fn rows_from_json(json: &[u8]) -> Result<Vec<BatchRow>, String> {
    let value = Value::parse(json).map_err(|e| format!("the rows are not JSON: {e}"))?;
    let Value::Array(items) = value else {
        return Err("the rows must be a JSON array of objects".into());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(_) => Ok(row_from_object(i, item)),
            _ => Err(format!("row {} is not a JSON object", i + 1)),
        })
        .collect()
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
    fn a_json_row_cannot_name_its_own_campaign() {
        let rows = rows_from_json(
            br#"[{"campaign_id": "c1b2c3d4-e5f6-7890-abcd-ef1234567890", "recipient": {"first_name": "A", "last_name": "B"}}]"#,
        )
        .unwrap();
        let params: Vec<_> = rows[0].problems.iter().filter_map(|p| p.param.as_deref()).collect();
        assert_eq!(params, ["campaign_id"]);
    }
}
