"""The web console: its static files in a private S3 bucket, served by CloudFront through origin
access control (the bucket has no public access and no website endpoint), with security headers on
every answer. The API's CORS allows the distribution's origin (see stack.py).

Publishing the files is one command after `cdk deploy` (docs/console.md):
``aws s3 sync shared/syncline/console/static s3://<ConsoleBucketName>/`` and a ``config.json``
naming the API URL."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Aws, Duration, Validations
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct, IConstruct

from .context import StageConfig


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
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=False,
            removal_policy=config.removal_policy,
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
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Syncline {config.stage} web console",
            default_root_object="index.html",
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
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
        for rule, reason in (
            (
                "AwsSolutions-CFR1",
                "The console is static files; who may use it is decided by API keys, not by country.",
            ),
            ("AwsSolutions-CFR2", "Static files only; the API behind it has its own throttling and keys."),
            (
                "AwsSolutions-CFR3",
                "Static public files: access logs would record nothing worth a log bucket.",
            ),
            (
                "AwsSolutions-CFR4",
                "The default CloudFront domain and certificate; with your own domain and certificate "
                "the distribution's minimum is TLS 1.2 (2021).",
            ),
        ):
            _acknowledge(self.distribution, rule, reason)

    @property
    def origin(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"


def _acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))
