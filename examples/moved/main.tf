# Moving resources managed by hashicorp/aws to xacct without replacing them: `moved`
# between resource types (Terraform 1.8+; xacct answers MoveResourceState; OpenTofu 1.6
# refuses moves between types). Before: aws_api_gateway_integration.hello and
# aws_lambda_permission.hello of hashicorp/aws, wired as the tutorial says; `terraform
# init` still installs hashicorp/aws while the state holds them. `terraform plan` shows
# both as moved, nothing to add, change or destroy. After `terraform apply`, the moved
# blocks can go.

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

moved {
  from = aws_api_gateway_integration.hello
  to   = xacct_lambda_integration.hello
}

moved {
  from = aws_lambda_permission.hello
  to   = xacct_lambda_permission.hello
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
  function_name = "arn:aws:lambda:us-west-2:222222222222:function:hello"
  statement_id  = "AllowExecutionFromAPIGateway"
  source_arn    = xacct_lambda_integration.hello.source_arn
}
