# Provider configurations for the two accounts: the API account from a named profile of
# the shared config and credentials files, the function account through a chain of two
# roles (a hub role in an identity account, then a role in the function's account that
# wants an external id). allowed_account_ids makes a wrong chain fail before any change.

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

provider "xacct" {
  alias   = "api"
  region  = "us-east-1"
  profile = "api-admin"
}

provider "xacct" {
  alias  = "function"
  region = "us-west-2"

  assume_role {
    role_arn     = "arn:aws:iam::333333333333:role/hub"
    session_name = "xacct-hub"
  }
  assume_role {
    role_arn     = "arn:aws:iam::222222222222:role/xacct-from-hub"
    session_name = "xacct"
    external_id  = "tutorial-external-id"
    duration     = "1h"
  }

  allowed_account_ids = ["222222222222"]
}

resource "xacct_lambda_integration" "hello" {
  provider      = xacct.api
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/hello"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

resource "xacct_lambda_permission" "hello" {
  provider      = xacct.function
  function_name = "hello"
  source_arn    = xacct_lambda_integration.hello.source_arn
}

resource "xacct_stage_deployment" "prod" {
  provider    = xacct.api
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
  triggers = {
    hello_id  = xacct_lambda_integration.hello.id
    hello_uri = xacct_lambda_integration.hello.invoke_uri
  }
}
