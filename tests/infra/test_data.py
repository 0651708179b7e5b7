"""Tables and bucket: built from syncline.tables, with PITR, TTL, encryption and expiry."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from syncline import tables

from .conftest import Synthesized, logical_id, of_type, render


def _table(resources: dict[str, Any], name: str) -> dict[str, Any]:
    (table,) = [
        t for t in of_type(resources, "AWS::DynamoDB::Table").values() if t["Properties"]["TableName"] == name
    ]
    return table


@pytest.mark.parametrize("definition", tables.TABLES, ids=lambda t: t.suffix)
def test_table_matches_the_shared_definition(resources: dict[str, Any], definition: tables.Table) -> None:
    props = _table(resources, definition.name("syncline-dev"))["Properties"]
    assert props["KeySchema"] == [
        {"AttributeName": definition.pk, "KeyType": "HASH"},
        {"AttributeName": definition.sk, "KeyType": "RANGE"},
    ]
    assert sorted(a["AttributeName"] for a in props["AttributeDefinitions"]) == sorted(
        definition.key_attributes()
    )
    assert {a["AttributeType"] for a in props["AttributeDefinitions"]} == {"S"}
    indexes = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == {i.name for i in definition.indexes}
    for index in definition.indexes:
        assert indexes[index.name]["KeySchema"] == [
            {"AttributeName": index.pk, "KeyType": "HASH"},
            {"AttributeName": index.sk, "KeyType": "RANGE"},
        ]
        assert indexes[index.name]["Projection"] == {"ProjectionType": index.projection}


@pytest.mark.parametrize("definition", tables.TABLES, ids=lambda t: t.suffix)
def test_table_is_on_demand_recoverable_encrypted_and_retained(
    resources: dict[str, Any], definition: tables.Table
) -> None:
    table = _table(resources, definition.name("syncline-dev"))
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"] == {"SSEEnabled": True}
    # Kept on stack deletion and on replacement, deleted when the first deploy rolls back (so a
    # retry does not fail on "already exists"); deletion protection would refuse that delete.
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert props["DeletionProtectionEnabled"] is False


def test_a_failed_first_deploy_leaves_nothing_with_a_fixed_name(resources: dict[str, Any]) -> None:
    """A retry of a rolled-back first deploy creates every named resource again: none may be kept."""
    named = ("TableName", "QueueName", "FunctionName", "Name", "AlarmName", "DashboardName", "TopicName")
    for key, resource in resources.items():
        props = resource.get("Properties", {})
        if any(isinstance(props.get(name), str) for name in named):
            assert resource.get("DeletionPolicy", "Delete") in ("Delete", "RetainExceptOnCreate"), key
    for resource in of_type(resources, "AWS::Logs::LogGroup").values():
        assert resource["DeletionPolicy"] == "RetainExceptOnCreate"
    (bucket,) = of_type(resources, "AWS::S3::Bucket").values()
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate"


def test_ttl_only_where_the_definition_has_one(resources: dict[str, Any]) -> None:
    for definition in tables.TABLES:
        props = _table(resources, definition.name("syncline-dev"))["Properties"]
        if definition.ttl_attribute:
            assert props["TimeToLiveSpecification"] == {
                "AttributeName": definition.ttl_attribute,
                "Enabled": True,
            }
        else:
            assert "TimeToLiveSpecification" not in props
    assert tables.SYNCS.ttl_attribute == "expires_at"


def test_destroy_removal_policy_for_throwaway_stages(variant_resources: dict[str, Any]) -> None:
    table = _table(variant_resources, tables.SYNCS.name("syncline-prod"))
    assert table["DeletionPolicy"] == "Delete"
    assert table["Properties"]["DeletionProtectionEnabled"] is False


def test_bucket_is_private_encrypted_ssl_only_and_expires(template: Template, default: Synthesized) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "Status": "Enabled",
                            "ExpirationInDays": default.stack.config.retention_days + 1,
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        }
                    ),
                    Match.object_like({"Status": "Enabled", "Prefix": "exports/", "ExpirationInDays": 1}),
                ]
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Principal": {"AWS": "*"},
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_bucket_expiry_follows_retention_days(variant_resources: dict[str, Any]) -> None:
    (bucket,) = of_type(variant_resources, "AWS::S3::Bucket").values()
    rule, exports = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 91 and "Prefix" not in rule
    assert exports["Prefix"] == "exports/" and exports["ExpirationInDays"] == 1


def test_functions_get_the_table_and_bucket_names(resources: dict[str, Any], default: Synthesized) -> None:
    data = default.stack.data
    for function in of_type(resources, "AWS::Lambda::Function").values():
        env = function["Properties"]["Environment"]["Variables"]
        assert render(env["SYNCLINE_CONFIG_TABLE"]) == logical_id(data.config_table)
        assert render(env["SYNCLINE_SYNCS_TABLE"]) == logical_id(data.syncs_table)
        assert render(env["SYNCLINE_BUCKET"]) == logical_id(data.bucket)


@pytest.mark.parametrize("projection", ["KEYS_ONLY", "ALL"])
def test_the_status_index_projection_follows_the_context(projection: str) -> None:
    from aws_cdk import App, Stack

    from infra.syncline_infra.context import StageConfig
    from infra.syncline_infra.data import Data

    stack = Stack(App(), "DataOnly")
    Data(stack, "Data", config=StageConfig.from_mapping({"statusIndexProjection": projection.lower()}))
    props = _table(Template.from_stack(stack).to_json()["Resources"], tables.SYNCS.name("syncline-dev"))[
        "Properties"
    ]
    got = {i["IndexName"]: i["Projection"]["ProjectionType"] for i in props["GlobalSecondaryIndexes"]}
    assert got.pop(tables.BY_STATUS.name) == projection
    assert set(got.values()) == {"KEYS_ONLY"}


def test_an_unknown_status_index_projection_names_the_key() -> None:
    from infra.syncline_infra.context import ContextError, StageConfig

    with pytest.raises(ContextError, match="statusIndexProjection"):
        StageConfig.from_mapping({"statusIndexProjection": "INCLUDE"})


def test_a_retired_index_can_be_kept_for_one_deploy() -> None:
    """CloudFormation deletes at most one index per update: the first upgrade deploy keeps one."""
    from aws_cdk import App, Stack

    from infra.syncline_infra.context import ContextError, StageConfig
    from infra.syncline_infra.data import Data

    def indexes(raw: dict[str, Any]) -> set[str]:
        stack = Stack(App(), "DataOnly")
        Data(stack, "Data", config=StageConfig.from_mapping(raw))
        table = _table(Template.from_stack(stack).to_json()["Resources"], tables.SYNCS.name("syncline-dev"))
        return {i["IndexName"] for i in table["Properties"]["GlobalSecondaryIndexes"]}

    current = {i.name for i in tables.SYNCS.indexes}
    assert indexes({}) == current
    assert indexes({"keepIndexes": "by_endpoint"}) == current | {"by_endpoint"}
    with pytest.raises(ContextError, match="keepIndexes: 'by_status'"):
        StageConfig.from_mapping({"keepIndexes": "by_status"})
