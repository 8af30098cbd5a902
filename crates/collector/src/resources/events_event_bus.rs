//! `AWS::Events::EventBus`: the event buses of a region with their bus policies, all from
//! ListEventBuses (each bus carries its `Policy`; no call per bus). Every region has the
//! `default` bus: it is a record only when it carries a policy (without one there is nothing
//! to judge, and every account and region would list it).

use perimeter_model::{EventsEventBusInputs, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected};
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::EventsEventBus;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let events = ctx.clients(region).events;
    let send = |token: Option<String>| events.list_event_buses().set_next_token(token).limit(100).send();
    let buses = listing::token_pages(ctx, Api::at(region, "eventbridge:ListEventBuses"), send, |p| {
        let buses = p
            .event_buses()
            .iter()
            .filter_map(|b| Some((b.arn()?.to_string(), b.name()?.to_string(), listing::policy_text(b.policy()))))
            .filter(|(_, name, policy)| name != "default" || policy.is_some())
            .collect();
        (buses, p.next_token().map(str::to_string))
    })
    .await;
    listing::scope(ctx, region, TYPE, buses, fan_out, |(arn, name, policy)| async move {
        Ok(Some(ctx.record(region, arn, ResourceInputs::EventsEventBus(EventsEventBusInputs { name, policy }))))
    })
    .await
}
