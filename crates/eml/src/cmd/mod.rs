//! One module per subcommand.

pub mod compose;

use crate::CliError;
use crate::cli::{Cli, Command};

/// Runs the chosen subcommand and returns its exit status.
///
/// # Errors
/// [`CliError`] when the input is unusable.
pub fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Compose { spec, output } => compose::run(&spec, output.as_deref()),
    }
}
