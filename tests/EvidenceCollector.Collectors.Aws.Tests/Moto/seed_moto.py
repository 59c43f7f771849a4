"""Seeds a moto server with a small estate through boto3 (argv[1] = endpoint URL)."""
import json, sys
import boto3

url = sys.argv[1]
kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")

iam = boto3.client("iam", **kw)
iam.create_user(UserName="alice")
iam.create_login_profile(UserName="alice", Password="Passw0rd!Passw0rd!")
iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
iam.create_access_key(UserName="alice")
iam.create_policy(PolicyName="everything", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
iam.create_policy(PolicyName="readonly-s3", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}))

s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket="moto-open")
s3.put_bucket_acl(Bucket="moto-open", ACL="public-read")
s3.create_bucket(Bucket="moto-locked")
s3.put_bucket_encryption(Bucket="moto-locked", ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
s3.put_bucket_versioning(Bucket="moto-locked", VersioningConfiguration={"Status": "Enabled"})
s3.put_public_access_block(Bucket="moto-locked", PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
s3.put_bucket_policy(Bucket="moto-locked", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::moto-locked", "arn:aws:s3:::moto-locked/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))

ec2 = boto3.client("ec2", **kw)
vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
sg = ec2.create_security_group(GroupName="ssh-open", Description="ssh", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)

kms = boto3.client("kms", **kw)
kms.create_key(Description="no rotation")

rds = boto3.client("rds", **kw)
rds.create_db_instance(DBInstanceIdentifier="moto-db", Engine="postgres", DBInstanceClass="db.t3.micro", MasterUsername="admin", MasterUserPassword="secretpass123",
                       AllocatedStorage=20, PubliclyAccessible=True, StorageEncrypted=False, BackupRetentionPeriod=0)

logs = boto3.client("logs", **kw)
logs.create_log_group(logGroupName="/moto/app")
logs.put_retention_policy(logGroupName="/moto/app", retentionInDays=7)

s3.create_bucket(Bucket="moto-trail")
ct = boto3.client("cloudtrail", **kw)
ct.create_trail(Name="main", S3BucketName="moto-trail", IsMultiRegionTrail=True, EnableLogFileValidation=True)
ct.start_logging(Name="main")
print("seeded")
