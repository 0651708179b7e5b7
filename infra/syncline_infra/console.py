"""The web console: its static files in a private S3 bucket, served by CloudFront through origin
access control (the bucket has no public access and no website endpoint), with security headers on
every answer. The API's CORS allows the distribution's origin (see stack.py).

``cdk deploy`` publishes the files (``publish``): two CDK bucket deployments copy
``shared/syncline/console/static`` and a generated ``config.json`` naming the API URL into the
bucket, then invalidate the distribution. With ``console_domain`` and ``console_certificate_arn``
the distribution answers on that domain with TLS 1.2 at least; on the default domain CloudFront's
own certificate allows TLS 1.0. The bucket goes with the stack, emptied first."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Aws, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct, IConstruct

from syncline.console import STATIC_DIR

from .context import StageConfig
from .data import private_bucket

# index.html and config.json are asked for again on every load (CloudFront and the browser
# revalidate), so a deploy shows at once. console.css and the JavaScript modules keep their names
# from one version to the next (index.html names them without a hash), so they are cached for 5
# minutes only: after a deploy a browser may run the old scripts for at most that long.
ENTRY_FILES = ("index.html", "config.json")
ENTRY_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"


def content_security_policy() -> str:
    """No inline script or style; scripts, styles and images from the console's origin only; calls
    to the stage's API Gateway endpoints only (the API's own URL would be a circular reference)."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' https://*.execute-api.{Aws.REGION}.amazonaws.com; font-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class Console(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        # Only copies of the console's static files: removed with the stack, emptied first (CDK's
        # auto-delete custom resource), so the rollback of a failed first deploy, which deletes
        # the bucket after the files were copied into it, does not stop at a non-empty bucket.
        self.bucket = private_bucket(
            self, "Bucket", config, removal_policy=RemovalPolicy.DESTROY, auto_delete_objects=True
        )
        _acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "Holds only the console's public static files (HTML, CSS, JavaScript), read by CloudFront "
            "through origin access control; there is nothing in it whose access needs auditing.",
        )
        self.headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            response_headers_policy_name=f"{config.prefix}-console-security-headers",
            comment="Syncline console: CSP without inline script, HSTS, no framing, no sniffing",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(), override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
            ),
        )
        # With your own domain and its certificate, viewers need TLS 1.2 at least. On the default
        # *.cloudfront.net domain CloudFront uses its own certificate, whose security policy
        # (TLSv1) cannot be changed: TLS 1.0 and 1.1 are accepted there.
        self.domain = config.console_domain
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", config.console_certificate_arn)
            if config.console_certificate_arn
            else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Syncline {config.stage} web console",
            default_root_object="index.html",
            domain_names=[self.domain] if self.domain else None,
            certificate=certificate,
            minimum_protocol_version=(
                cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None
            ),
            ssl_support_method=cloudfront.SSLMethod.SNI if certificate else None,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers,
                compress=True,
            ),
        )
        rules = [
            (
                "AwsSolutions-CFR1",
                "The console is static files; who may use it is decided by API keys, not by country.",
            ),
            ("AwsSolutions-CFR2", "Static files only; the API behind it has its own throttling and keys."),
            (
                "AwsSolutions-CFR3",
                "Static public files: access logs would record nothing worth a log bucket.",
            ),
        ]
        if certificate is None:
            rules.append(
                (
                    "AwsSolutions-CFR4",
                    "The default *.cloudfront.net domain and certificate, whose security policy CloudFront "
                    "fixes at TLSv1: viewers may connect with TLS 1.0 or 1.1. Deploy with console_domain "
                    "and console_certificate_arn for a minimum of TLS 1.2 (TLSv1.2_2021).",
                )
            )
        for rule, reason in rules:
            _acknowledge(self.distribution, rule, reason)

        self.config = config
        self.files: s3deploy.BucketDeployment | None = None
        self.entry: s3deploy.BucketDeployment | None = None

    def publish(self, api_url: str) -> None:
        """Copy the static files and a ``config.json`` naming ``api_url`` into the bucket on every
        deploy that changes them, and invalidate the distribution. Two deployments because the
        cache-control header is one per deployment: the files except the entry points (pruning what
        is gone), then the entry points (index.html, config.json) without caching."""
        source = s3deploy.Source.asset(str(STATIC_DIR), exclude=[".*", "__pycache__"])
        config = s3deploy.Source.json_data("config.json", {"api": api_url})
        log_group = logs.LogGroup(
            self,
            "DeploymentLogs",
            retention=self.config.log_retention,
            removal_policy=self.config.removal_policy,
        )
        common = {
            "destination_bucket": self.bucket,
            "distribution": self.distribution,
            "distribution_paths": ["/*"],
            "log_group": log_group,
        }
        self.files = s3deploy.BucketDeployment(
            self,
            "Files",
            sources=[source],
            exclude=list(ENTRY_FILES),  # neither copied nor pruned by this one
            cache_control=[s3deploy.CacheControl.from_string(ASSET_CACHE)],
            prune=True,
            **common,  # type: ignore[arg-type]
        )
        self.entry = s3deploy.BucketDeployment(
            self,
            "Entry",
            sources=[source, config],
            exclude=["*"],
            include=list(ENTRY_FILES),
            cache_control=[s3deploy.CacheControl.from_string(ENTRY_CACHE)],
            prune=False,
            **common,  # type: ignore[arg-type]
        )
        self.entry.node.add_dependency(self.files)  # index.html last: the files it names are there
        bucket_id = Stack.of(self).get_logical_id(self.bucket.node.default_child)  # type: ignore[arg-type]
        _acknowledge_deployment_handler(self.files.handler_role, bucket_id)

    @property
    def origin(self) -> str:
        return f"https://{self.domain or self.distribution.distribution_domain_name}"


def _acknowledge_deployment_handler(role: IConstruct, bucket_id: str) -> None:
    """cdk-nag on the Lambda function and role that aws-cdk-lib adds (one per stack) to copy the files
    into the bucket: both are CDK's own, their policies written by BucketDeployment."""
    handler = role.node.scope
    assert handler is not None
    # The bootstrap's assets bucket: its qualifier is the default unless the app's context sets one.
    qualifier = role.node.try_get_context("@aws-cdk/core:bootstrapQualifier")
    qualifier = qualifier or DefaultStackSynthesizer.DEFAULT_QUALIFIER
    _acknowledge(
        handler,
        "AwsSolutions-L1",
        "CDK's bucket deployment handler: aws-cdk-lib chooses its runtime and ships its code; it runs "
        "only during a deploy.",
    )
    _acknowledge(
        role,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        "CDK's bucket deployment handler: the managed policy lets it write its own logs only.",
    )
    for finding, reason in (
        (
            "Action::s3:GetBucket*",
            "Granted by BucketDeployment to read the CDK assets bucket and sync into the console bucket "
            "(aws s3 sync lists and compares both), on those two buckets only.",
        ),
        ("Action::s3:GetObject*", "Granted by BucketDeployment to read the uploaded assets and the files."),
        ("Action::s3:List*", "Granted by BucketDeployment: aws s3 sync lists both buckets to compare them."),
        ("Action::s3:Abort*", "Granted by BucketDeployment: aborting a failed multipart upload."),
        (
            "Action::s3:DeleteObject*",
            "Granted by BucketDeployment: pruning files no longer in the console's static folder, in "
            "the console bucket only.",
        ),
        (
            f"Resource::arn:<AWS::Partition>:s3:::cdk-{qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*",
            "The objects of the CDK bootstrap's assets bucket, where cdk deploy uploads the zipped files.",
        ),
        (
            f"Resource::<{bucket_id}.Arn>/*",
            "The objects of the console bucket, which holds only the console's static files.",
        ),
        (
            "Resource::*",
            "cloudfront:CreateInvalidation and cloudfront:GetInvalidation, to invalidate the console's "
            "distribution after a copy; BucketDeployment grants them without a resource.",
        ),
    ):
        _acknowledge(role, f"AwsSolutions-IAM5[{finding}]", reason)


def _acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))
