//! Text cut at an ASCII separator: `str::split` and `str::split_once` for a separator that is one ASCII
//! byte (`.` of a host name, `-` of a date, `:` before a port). Use these rather than the standard
//! library's with a `char`: its pattern searcher weighs about a kilobyte of the WebAssembly module, for
//! work these loops do in a few dozen bytes. A cut at an ASCII byte is always a character boundary.

/// The pieces of `text` between occurrences of `sep`, as `text.split(sep as char)` gives them (an empty
/// text is one empty piece).
pub(crate) fn split(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let piece = rest?;
        match piece.bytes().position(|b| b == sep) {
            Some(at) => {
                rest = piece.get(at + 1..);
                piece.get(..at)
            }
            None => {
                rest = None;
                Some(piece)
            }
        }
    })
}

/// `text` before and after the first `sep`, as `text.split_once(sep as char)`; `None` without one.
pub(crate) fn split_once(text: &str, sep: u8) -> Option<(&str, &str)> {
    let at = find(text, sep)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// Where the first `sep` of `text` is, as `text.find(sep as char)`.
pub(crate) fn find(text: &str, sep: u8) -> Option<usize> {
    text.bytes().position(|b| b == sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_as_the_standard_library_does() {
        for text in ["", ".", "a", "a.b", ".a.", "a..b", "é.ü.日本", "..", "ab.", "127.0.0.1"] {
            assert_eq!(split(text, b'.').collect::<Vec<_>>(), text.split('.').collect::<Vec<_>>(), "{text:?}");
            assert_eq!(split_once(text, b'.'), text.split_once('.'), "{text:?}");
            assert_eq!(find(text, b'.'), text.find('.'), "{text:?}");
        }
    }
}
