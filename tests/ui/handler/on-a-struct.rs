#![allow(unused)]

#[partner_events::handler]
struct App;

fn main() {}
