# The AWS tutorial "Build an API Gateway API with cross-account Lambda proxy integration",
# declared with xacct. The REST API lives in account A (var.api_account), the function in
# account B (var.function_account). Terraform runs with account A's credentials and
# assumes a role in account B for the permission.

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

variable "api_region" {
  default = "us-east-1"
}

variable "function_role_arn" {
  description = "A role in the function's account that the API account may assume."
  default     = "arn:aws:iam::222222222222:role/xacct-deployer"
}

variable "rest_api_id" {
  description = "The existing REST API (account A)."
}

variable "function_arn" {
  description = "The full ARN of the function in account B."
  default     = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

# Account A: the API's account, with the caller's own credentials.
provider "xacct" {
  alias  = "api"
  region = var.api_region
}

# Account B: the function's account, reached through assume_role.
provider "xacct" {
  alias  = "function"
  region = "us-west-2"

  assume_role {
    role_arn     = var.function_role_arn
    session_name = "xacct-tutorial"
  }
}

# Step 1 of the tutorial: the method's integration is Lambda proxy with the foreign
# function's full ARN.
resource "xacct_lambda_integration" "hello" {
  provider      = xacct.api
  rest_api_id   = var.rest_api_id
  resource_path = "/"
  http_method   = "GET"
  function_arn  = var.function_arn
}

# Step 2: in the function's account, allow API Gateway to invoke it from that method.
resource "xacct_lambda_permission" "hello" {
  provider      = xacct.function
  function_name = var.function_arn
  principal     = "apigateway.amazonaws.com"
  source_arn    = xacct_lambda_integration.hello.source_arn
}

output "invoke_uri" {
  value = xacct_lambda_integration.hello.invoke_uri
}

output "source_arn" {
  value = xacct_lambda_integration.hello.source_arn
}
