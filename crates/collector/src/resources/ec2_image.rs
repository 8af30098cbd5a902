//! `AWS::EC2::Image`: the account's own AMIs of a region (DescribeImages with owner `self`),
//! each one's `launchPermission` (one DescribeImageAttribute per image), and the region's image
//! Block Public Access state (GetImageBlockPublicAccessState, read at the same time as the
//! listing). A state that cannot be read is an error for the scope: the images are still
//! reported, judged without it (it never removes a finding).

use aws_sdk_ec2::types::ImageAttributeName;
use perimeter_model::{Ec2ImageInputs, ImageBlockPublicAccess, LaunchPermission, ResourceInputs, ResourceType};

use crate::account::{AccountCtx, Collected, Read};
use crate::failure::classify;
use crate::listing;
use crate::pacing::Api;

const TYPE: ResourceType = ResourceType::Ec2Image;

pub async fn read(ctx: &AccountCtx, region: &str, fan_out: usize) -> Collected {
    let ec2 = ctx.clients(region).ec2;
    let pages = || ec2.describe_images().owners("self").into_paginator().send();
    let listing = listing::all_pages(ctx, Api::at(region, "ec2:DescribeImages"), pages, |p| p.images().iter().filter_map(|i| i.image_id().map(str::to_string)).collect());
    let (state, images) = tokio::join!(ctx.call(Api::at(region, "ec2:GetImageBlockPublicAccessState"), || ec2.get_image_block_public_access_state().send()), listing);
    let (state, state_error) = match state {
        Ok(out) => (
            out.image_block_public_access_state().map(|s| {
                if s == "block-new-sharing" { ImageBlockPublicAccess::BlockNewSharing } else { ImageBlockPublicAccess::Unblocked }
            }),
            None,
        ),
        Err(e) => (None, Some(classify(&e).reading("GetImageBlockPublicAccessState"))),
    };
    let mut out = listing::scope(ctx, region, TYPE, images, fan_out, |id| image(ctx, region, &ec2, id, state)).await;
    if let Some(f) = state_error {
        out.errors.push(ctx.error(Some(region), Some(TYPE), None, f));
    }
    out
}

async fn image(ctx: &AccountCtx, region: &str, ec2: &aws_sdk_ec2::Client, id: String, state: Option<ImageBlockPublicAccess>) -> Read {
    let arn = format!("arn:aws:ec2:{region}::image/{id}");
    let call = || ec2.describe_image_attribute().image_id(&id).attribute(ImageAttributeName::LaunchPermission).send();
    let out = listing::unless_absent(ctx.call(Api::at(region, "ec2:DescribeImageAttribute"), call).await, &["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"], "DescribeImageAttribute")
        .map_err(|f| ctx.resource_error(region, TYPE, &arn, f))?;
    // Deregistered between the listing and the read: gone, nothing to report.
    let Some(out) = out else { return Ok(None) };
    let launch_permissions = out
        .launch_permissions()
        .iter()
        .map(|p| LaunchPermission {
            group: p.group().map(|g| g.as_str().to_string()),
            user_id: p.user_id().map(str::to_string),
            organization_arn: p.organization_arn().map(str::to_string),
            organizational_unit_arn: p.organizational_unit_arn().map(str::to_string),
        })
        .collect();
    let inputs = Ec2ImageInputs { image_id: id, launch_permissions, block_public_access: state };
    Ok(Some(ctx.record(region, arn, ResourceInputs::Ec2Image(inputs))))
}
