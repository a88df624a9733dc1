pub mod samples;
pub mod sdk;
