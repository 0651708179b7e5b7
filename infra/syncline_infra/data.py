"""Data: the DynamoDB tables from ``syncline.tables`` and the exports/payload bucket."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from syncline import tables

from .context import StageConfig

_PROJECTIONS = {"ALL": dynamodb.ProjectionType.ALL, "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY}


def private_bucket(
    scope: Construct,
    construct_id: str,
    config: StageConfig,
    *,
    removal_policy: RemovalPolicy | None = None,
    **props: Any,
) -> s3.Bucket:
    """A bucket only this stack's own roles and services reach: SSE-S3, TLS only, no public access,
    ACLs off, unversioned, kept or removed with the stage's removal policy (unless given)."""
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=False,
        removal_policy=removal_policy or config.removal_policy,
        **props,
    )


class Data(Construct):
    """Tables: on-demand, point-in-time recovery, TTL where the definition has one, KMS encryption.

    Bucket: exports (CSV downloads) and payload snapshots (claim checks for large records and
    what a resync sends again); encrypted, SSL only, no public access, objects expire after the
    report retention period.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.definitions: dict[str, tables.Table] = {}
        self.tables: dict[str, dynamodb.Table] = {}
        for definition in tables.TABLES:
            self.tables[definition.logical_id] = self._table(definition, config)
            self.definitions[definition.logical_id] = definition
        self.config_table = self.tables[tables.CONFIG.logical_id]
        self.syncs_table = self.tables[tables.SYNCS.logical_id]

        self.bucket = private_bucket(
            self,
            "Bucket",
            config,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-with-the-report",
                    enabled=True,
                    # A payload snapshot lives as long as the report row that may resync it.
                    expiration=Duration.days(config.retention_days + 1),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                ),
                s3.LifecycleRule(
                    id="expire-exports",
                    enabled=True,
                    prefix="exports/",  # a CSV export's link lives 15 minutes; the file a day
                    expiration=Duration.days(1),
                ),
            ],
        )
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason=(
                    "Only Syncline's own function roles read and write this bucket (exports and "
                    "payload snapshots that expire); server access logs would add a second bucket "
                    "and cost for no reader. Enable CloudTrail S3 data events if object access must "
                    "be audited."
                ),
            )
        )

    def _table(self, definition: tables.Table, config: StageConfig) -> dynamodb.Table:
        string = dynamodb.AttributeType.STRING
        table = dynamodb.Table(
            self,
            definition.logical_id,
            table_name=definition.name(config.prefix),
            partition_key=dynamodb.Attribute(name=definition.pk, type=string),
            sort_key=dynamodb.Attribute(name=definition.sk, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=definition.ttl_attribute,
            # No deletion protection: it would refuse the delete a failed first deploy's rollback
            # makes, and the retry would find the table. The removal policy keeps the tables on
            # `cdk destroy` and on replacement (infra/README.md, "A failed first deploy").
            deletion_protection=False,
            removal_policy=config.removal_policy,
        )
        kept = [i for i in tables.RETIRED_INDEXES if i.name in config.keep_indexes]
        for index in (*definition.indexes, *(kept if definition == tables.SYNCS else ())):
            projection = index.projection
            if index == tables.BY_STATUS:
                # DynamoDB cannot change an index's projection in place: a stack deployed when this
                # index projected ALL keeps it (`statusIndexProjection=ALL`); the code reads either.
                projection = config.status_index_projection
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.pk, type=string),
                sort_key=dynamodb.Attribute(name=index.sk, type=string),
                projection_type=_PROJECTIONS[projection],
            )
        return table

    def index_arns(self, logical_id: str) -> list[str]:
        """The ARN of every index of a table, by name: IAM needs no ``index/*`` wildcard."""
        table = self.tables[logical_id]
        return [f"{table.table_arn}/index/{index.name}" for index in self.definitions[logical_id].indexes]
