//! Progress bars on stderr (indicatif) for long operations; drawn only on a terminal, so logs and
//! piped output stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use onebook_storage::backup::Progress;

/// A bar per stage of a long operation, with its rate and time left.
#[derive(Debug, Default)]
pub(crate) struct Bars {
    current: Option<ProgressBar>,
}

impl Bars {
    /// Ends the last stage's bar.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.current.take() {
            bar.finish();
        }
    }
}

impl Progress for Bars {
    fn stage(&mut self, name: &'static str, total: u64) {
        self.finish();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let template = if total == 0 {
            "{msg:>16} {spinner} {human_pos} ({per_sec}, {elapsed})"
        } else {
            "{msg:>16} [{bar:32}] {human_pos}/{human_len} ({per_sec}, {eta} left)"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(name);
        self.current = Some(bar);
    }

    fn advance(&mut self, units: u64) {
        if let Some(bar) = &self.current {
            bar.inc(units);
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.finish();
    }
}
