//! GDAL's warnings while a layer is opened and read ("Non closed ring detected", "Field
//! truncated" …) are facts about the user's data. They are captured per layer and reported
//! as findings instead of scrolling past on stderr. Errors still go to stderr, and also come
//! back from the GDAL call that failed.
//!
//! Capture is per thread, so concurrent loads keep their messages apart.

use std::cell::RefCell;
use std::sync::Once;

use gdal::errors::CplErrType;

thread_local! {
    static CAPTURED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
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
            if !captured {
                let label = match class {
                    CplErrType::Warning => "Warning",
                    CplErrType::Debug => "Debug",
                    _ => "ERROR",
                };
                eprintln!("GDAL {label} {number}: {message}");
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
