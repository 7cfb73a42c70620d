//! The `dargah` binary: parse the command line and hand over to the library.

/// mimalloc instead of the system allocator: a USSD hop and an SMPP PDU are
/// many small short-lived allocations, where glibc's malloc spent a quarter
/// of the hop's CPU time (see BENCHMARKS.md, "USSD engine").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    dargah::cli::main()
}
