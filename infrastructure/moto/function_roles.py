"""Prints, as JSON, the IAM role the SAM translator makes for each AWS::Serverless::Function of a template.

{"<FunctionLogicalId>": {"RoleLogicalId": ..., "Policies": [{"PolicyName", "PolicyDocument"}], "ManagedPolicyArns": [...]}}

Policies are exactly as the translator writes them (policy templates expanded), intrinsics (Fn::GetAtt, Ref, Fn::Sub)
left for the caller to resolve against what it provisioned. The local harness creates these roles in moto.
"""
import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as template_file:
        template = yaml_parse(template_file.read())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            # The translator wants packaged code; where the code lives does not change the role.
            resource["Properties"]["CodeUri"] = "s3://bucket/key"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    translated = transform(template, {}, None)
    resources = translated["Resources"]
    roles = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        role = resource["Properties"]["Role"]["Fn::GetAtt"][0]
        properties = resources[role]["Properties"]
        roles[logical_id] = {"RoleLogicalId": role, "Policies": properties.get("Policies", []),
                             "ManagedPolicyArns": properties.get("ManagedPolicyArns", [])}
    json.dump(roles, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
