//! The server's heap allocations per message stay what the README says (7 on the plain wire, 7.1
//! in the acknowledged protocol), measured as `cargo run --release -p partner-events-bridge
//! --example allocations` measures them: a counting allocator that counts on the server's thread
//! only, and a client speaking each protocol, one chat at a time, after a warm-up.
//!
//! A count, not a time: it is the same on every machine and build, give or take the few
//! allocations a warm-up leaves to later (hence the slack to the next half allocation). The
//! acknowledged protocol's 0.1 is its session's buffer of unacknowledged frames growing again
//! after this client's acknowledgement of 128 frames at once.

// the example's `main` and its idle-session measure are not used here
#[allow(dead_code)]
#[path = "../examples/allocations.rs"]
mod measure;

#[test]
fn a_message_costs_the_server_no_more_allocations_than_the_readme_says() {
    let (address, _stats) = measure::start_server();
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    client.block_on(async move {
        let plain = measure::run(address, false, 2_000).await;
        let acked = measure::run(address, true, 2_000).await;
        assert!(
            plain < 7.5,
            "plain wire: {plain:.2} allocations per message, not 7"
        );
        assert!(
            acked < 7.5,
            "acknowledged protocol: {acked:.2} allocations per message, not 7.1"
        );
    });
}
