use clap::Parser;

fn main() {
    let cli = baipi::cli::Cli::parse();
    std::process::exit(baipi::cli::run(cli));
}
