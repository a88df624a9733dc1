use partner_events::events::{AwInteractionHoldV1, AwInteractionHoldV1SchemaVersion};

fn main() {
    let hold = AwInteractionHoldV1 {
        interaction_id: "int-1".into(),
        schema_version: AwInteractionHoldV1SchemaVersion::V1_0_0,
    };
    let _ = partner_events::send_request(&hold);
}
