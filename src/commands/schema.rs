use crate::cli::SchemaArgs;
use crate::output::Output;

pub fn run(args: &SchemaArgs) -> Output {
    Output::data(args.name.render())
}
