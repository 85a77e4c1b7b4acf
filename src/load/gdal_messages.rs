//! GDAL's warnings while a layer is opened and read ("Non closed ring detected", "Field
//! truncated" …) are facts about the user's data. They are captured per layer and reported
//! as findings instead of scrolling past on stderr. Errors still go to stderr, and also come
//! back from the GDAL call that failed.
//!
//! A message that reaches the user says which file (and layer) it is about: work on a file
//! runs inside `about`, and a message raised outside any such work (about no file the user
//! gave) goes to the log at debug level instead of the terminal.
//!
//! Capture and place are per thread, so concurrent loads keep their messages apart.

use std::cell::RefCell;
use std::sync::Once;

use gdal::errors::CplErrType;

thread_local! {
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
    static PLACE: RefCell<Option<String>> = const { RefCell::new(None) };
}

static INSTALL: Once = Once::new();

fn install() {
    INSTALL.call_once(|| {
        gdal::config::set_error_handler(|class, number, message| {
            let captured = class == CplErrType::Warning
                && CAPTURED.with(|c| match c.borrow_mut().as_mut() {
                    Some(messages) => {
                        messages.push(message.to_string());
                        true
                    }
                    None => false,
                });
            if captured {
                return;
            }
            let label = match class {
                CplErrType::Warning => "Warning",
                CplErrType::Debug => "Debug",
                _ => "ERROR",
            };
            match PLACE.with(|p| p.borrow().clone()) {
                Some(place) if class != CplErrType::Debug => {
                    eprintln!("{place}: GDAL {label} {number}: {message}")
                }
                _ => tracing::debug!("GDAL {label} {number}: {message}"),
            }
        });
    });
}

/// Run `f`, returning what it gave and the GDAL warnings raised on this thread meanwhile.
pub fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    install();
    let previous = CAPTURED.with(|c| c.borrow_mut().replace(Vec::new()));
    let out = f();
    let messages = CAPTURED.with(|c| std::mem::replace(&mut *c.borrow_mut(), previous));
    (out, messages.unwrap_or_default())
}

/// Install zdz's handler of GDAL's messages in place of GDAL's own (which prints every
/// message bare on stderr): call once before any GDAL work.
pub fn init() {
    install();
}

/// Work on `place` (a file, or a file and its layer) until the guard is dropped: a GDAL
/// message raised meanwhile on this thread that is not captured names that place.
pub fn about(place: &str) -> Place {
    install();
    Place(PLACE.with(|p| p.borrow_mut().replace(place.to_string())))
}

/// The place GDAL's messages name; the one before is restored when it is dropped.
pub struct Place(Option<String>);

impl Drop for Place {
    fn drop(&mut self) {
        let previous = self.0.take();
        PLACE.with(|p| *p.borrow_mut() = previous);
    }
}
