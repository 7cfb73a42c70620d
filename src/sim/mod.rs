//! In-repo peers for tests and benchmarks: things that stand in for a
//! carrier where the real one cannot run here.

pub mod sink;
pub mod standalone;
pub mod ussd_centre;
