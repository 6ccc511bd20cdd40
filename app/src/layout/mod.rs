//! The application shell of every page: top bar, navigation, content, footer.

mod locale_switcher;
mod nav;
mod shell;
mod user_menu;

pub use shell::Shell;
