pub mod sdk;
