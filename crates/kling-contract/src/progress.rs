//! Progress output: a bar on a terminal, one plain line per check elsewhere (CI logs).

use std::io::IsTerminal as _;

/// Reports progress of a run.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: usize,
    quiet: bool,
}

impl Progress {
    /// Progress over `total` steps; `quiet` prints nothing.
    pub fn new(total: usize, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, total, done: 0, quiet }
    }

    /// One step finished with `outcome`.
    pub fn step(&mut self, id: &str, outcome: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(id.to_owned());
                bar.inc(1);
            }
            None if !self.quiet => eprintln!("[{}/{}] {id}: {outcome}", self.done, self.total),
            None => {}
        }
    }

    /// Ends the display.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
