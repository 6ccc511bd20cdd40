//! The application shell of every page: top bar, navigation, content, footer.

mod locale_switcher;
mod nav;
mod shell;

pub use shell::Shell;
