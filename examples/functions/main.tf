# Provider functions (Terraform 1.8+, OpenTofu 1.7+) for configurations that keep
# hashicorp/aws's aws_api_gateway_integration and aws_lambda_permission but want xacct's
# answers to the two cross-account questions: which URI the integration calls, and which
# execute-api ARN the function's permission must name. The values are the ones
# xacct_lambda_integration computes, from the same code.

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

locals {
  # aws_api_gateway_rest_api.api.execution_arn with hashicorp/aws.
  execution_arn = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5"
  # The function in the other account (and region).
  function_arn = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

# aws_api_gateway_integration.hello.uri
output "invoke_uri" {
  value = provider::xacct::invoke_uri(local.function_arn, false)
}

# The same for a response-streaming integration.
output "streaming_invoke_uri" {
  value = provider::xacct::invoke_uri(local.function_arn, true)
}

# aws_lambda_permission.hello.source_arn for GET /pets/{id}: every stage, the method,
# path parameters as "*", in the API's region (wherever the function is).
output "source_arn" {
  value = provider::xacct::source_arn(local.execution_arn, "GET", "/pets/{id}")
}

# Every method and path of the API (null method and path).
output "source_arn_any" {
  value = provider::xacct::source_arn(local.execution_arn, null, null)
}

# A Lambda authorizer's permission: across regions, in the function's region.
output "authorizer_source_arn" {
  value = provider::xacct::authorizer_source_arn(local.execution_arn, "abc123", local.function_arn)
}

# The parts of a function reference: name, qualifier, account, region, partition.
output "function" {
  value = provider::xacct::parse_lambda_arn("${local.function_arn}:live")
}
