# The AWS tutorial "Build an API Gateway API with cross-account Lambda proxy integration",
# declared with xacct. The REST API lives in account A, the function in account B.
# Terraform runs with account A's credentials and assumes a role in account B for the
# permission. Then the two steps the tutorial leaves to the reader: the stage is
# redeployed whenever the integration changes, and a check block proves on every plan
# (and every scheduled drift-detection run) that API Gateway can call the function.

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

# Step 3: the stage serves the integration only once the API is deployed to it again.
resource "xacct_stage_deployment" "prod" {
  provider    = xacct.api
  rest_api_id = var.rest_api_id
  stage_name  = "prod"

  triggers = {
    hello_id  = xacct_lambda_integration.hello.id
    hello_uri = xacct_lambda_integration.hello.invoke_uri
  }
}

# Proof that the call goes through: API Gateway's test invoke of the method, from the API
# account. A missing statement or a wrong region shows as a warning with the log line.
check "hello_answers" {
  data "xacct_invoke_check" "hello" {
    provider      = xacct.api
    rest_api_id   = var.rest_api_id
    resource_path = "/"
    http_method   = "GET"
    depends_on    = [xacct_lambda_permission.hello, xacct_stage_deployment.prod]
  }

  assert {
    condition     = data.xacct_invoke_check.hello.status == 200
    error_message = "API Gateway cannot call the function behind GET /: status ${data.xacct_invoke_check.hello.status}. ${data.xacct_invoke_check.hello.log}"
  }
}

output "invoke_uri" {
  value = xacct_lambda_integration.hello.invoke_uri
}

output "source_arn" {
  value = xacct_lambda_integration.hello.source_arn
}
