use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::output::Output;

pub fn run(args: &CompletionsArgs) -> Output {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "modreg", &mut buf);
    Output::data(String::from_utf8_lossy(&buf).into_owned())
}
