# Adopting an integration and a permission made by hand (the console, or
# `aws apigateway put-integration` and `aws lambda add-permission`) with import blocks
# (Terraform 1.5+, OpenTofu 1.6+), using hashicorp/aws's ID formats:
#   xacct_lambda_integration: REST-API-ID/RESOURCE-ID/HTTP-METHOD
#   xacct_lambda_permission:  FUNCTION_NAME/STATEMENT_ID or FUNCTION_NAME:QUALIFIER/STATEMENT_ID
# `terraform plan` then shows 2 to import and nothing to change when the configuration
# matches what exists. The command-line form takes the same IDs:
#   terraform import xacct_lambda_integration.hello a1b2c3d4e5/abc123/GET

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

provider "xacct" {
  alias  = "api"
  region = "us-east-1"
}

provider "xacct" {
  alias  = "function"
  region = "us-west-2"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/xacct-deployer"
  }
}

import {
  to = xacct_lambda_integration.hello
  id = "a1b2c3d4e5/abc123/GET"
}

import {
  to = xacct_lambda_permission.hello
  id = "hello/AllowExecutionFromAPIGateway"
}

resource "xacct_lambda_integration" "hello" {
  provider     = xacct.api
  rest_api_id  = "a1b2c3d4e5"
  resource_id  = "abc123"
  http_method  = "GET"
  function_arn = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

resource "xacct_lambda_permission" "hello" {
  provider      = xacct.function
  function_name = "hello"
  statement_id  = "AllowExecutionFromAPIGateway"
  source_arn    = xacct_lambda_integration.hello.source_arn
}
