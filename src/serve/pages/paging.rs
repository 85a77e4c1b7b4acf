//! Long lists a page at a time: at national scale a city user's problem list holds some
//! 85,000 entries, and a page of all of them would be tens of megabytes of HTML. The list
//! keeps its filters from page to page; the page number is `page` in the query (1 first;
//! anything else reads as the first page).

use std::ops::Range;

use maud::{Markup, html};

use crate::contract::pages as w;

/// Rows on one page.
pub const PAGE_ROWS: usize = 500;

/// Which rows of a list of `total` a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub total: usize,
}

impl Page {
    /// Page `asked` (as the query gives it) of a list of `total`, kept within the list.
    pub fn of(total: usize, asked: Option<&str>) -> Page {
        let last = total.div_ceil(PAGE_ROWS).max(1);
        let number = asked
            .and_then(|p| p.trim().parse::<usize>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(last);
        Page { number, total }
    }

    pub fn rows(&self) -> Range<usize> {
        let start = (self.number - 1) * PAGE_ROWS;
        start.min(self.total)..(start + PAGE_ROWS).min(self.total)
    }

    fn last(&self) -> usize {
        self.total.div_ceil(PAGE_ROWS).max(1)
    }

    /// Where the rows shown are in the list, and links to the pages before and after,
    /// keeping every other parameter of `query`. Nothing for a list of one page.
    pub fn nav(&self, path: &str, query: Option<&str>) -> Markup {
        if self.last() == 1 {
            return html! {};
        }
        let link = |n: usize| -> String {
            let kept =
                form_urlencoded::parse(query.unwrap_or("").as_bytes()).filter(|(k, _)| k != "page");
            let q: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept)
                .append_pair("page", &n.to_string())
                .finish();
            format!("{path}?{q}")
        };
        let rows = self.rows();
        html! {
            nav.pages aria-label=(w::PAGES) {
                @if self.number > 1 { a rel="prev" href=(link(self.number - 1)) { (w::PREV_PAGE) } " " }
                span { (w::ROWS_SHOWN_FROM) " " (rows.start + 1) "–" (rows.end) " " (w::ITEMS_UNIT) "（" (w::PAGE_OF) " " (self.number) "/" (self.last()) " " (w::PAGE_UNIT) "）" }
                @if self.number < self.last() { " " a rel="next" href=(link(self.number + 1)) { (w::NEXT_PAGE) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_shows_its_rows_and_links_keep_the_filters() {
        let p = Page::of(1_201, Some("2"));
        assert_eq!(p.rows(), 500..1000);
        assert_eq!(Page::of(1_201, Some("9")).rows(), 1000..1201);
        assert_eq!(Page::of(1_201, Some("x")).rows(), 0..500);
        assert_eq!(Page::of(0, None).rows(), 0..0);
        let nav = p.nav("/problems", Some("status=open&page=2")).into_string();
        assert!(
            nav.contains(r#"href="/problems?status=open&amp;page=1""#),
            "{nav}"
        );
        assert!(
            nav.contains(r#"href="/problems?status=open&amp;page=3""#),
            "{nav}"
        );
        assert!(
            Page::of(10, None)
                .nav("/problems", None)
                .into_string()
                .is_empty()
        );
    }
}
