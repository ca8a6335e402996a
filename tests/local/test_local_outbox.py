"""GET /local/outbox shows what moto was asked to send: email through SES, SMS and push through SNS."""

import boto3

from local.runtime import LocalRuntime


def test_the_outbox_lists_sent_email_sms_and_push(runtime: LocalRuntime) -> None:
    boto3.client("sesv2").create_email_identity(EmailIdentity="from@example.com")
    boto3.client("sesv2").send_email(
        FromEmailAddress="from@example.com",
        Destination={"ToAddresses": ["to@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
    )
    sns = boto3.client("sns")
    sns.publish(PhoneNumber="+14155550100", Message="Your code is 1234")
    app = sns.create_platform_application(Name="outbox-fcm", Platform="GCM", Attributes={})["PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token-1")["EndpointArn"]
    sns.publish(TargetArn=endpoint, Message="Ping")

    outbox = runtime.request("GET", "/local/outbox").json()

    assert {"subject": "Hi", "to": {"ToAddresses": ["to@example.com"]}}.items() <= outbox["email"][-1].items()
    assert {"phoneNumber": "+14155550100", "message": "Your code is 1234"}.items() <= outbox["sms"][-1].items()
    assert {"token": "device-token-1", "message": "Ping"}.items() <= outbox["push"][-1].items()
