# An API in us-east-1 calling a function in eu-west-1 of another account. The integration
# computes invoke_uri in the function's region (API Gateway calls Lambda there) and
# source_arn in the API's region (an execute-api ARN names the API); hand source_arn to the
# permission unchanged.

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
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/xacct-deployer"
  }
}

resource "xacct_lambda_integration" "orders" {
  provider      = xacct.api
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/orders"
  http_method   = "POST"
  function_arn  = "arn:aws:lambda:eu-west-1:222222222222:function:orders:live"
}

resource "xacct_lambda_permission" "orders" {
  provider      = xacct.function
  function_name = "orders"
  qualifier     = "live"
  source_arn    = xacct_lambda_integration.orders.source_arn
}

# The stage serves the integration once the API is deployed to it again.
resource "xacct_stage_deployment" "prod" {
  provider    = xacct.api
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
  triggers = {
    orders_id  = xacct_lambda_integration.orders.id
    orders_uri = xacct_lambda_integration.orders.invoke_uri
  }
}

# API Gateway's test invoke: a permission naming the wrong region fails here, not in
# production.
check "orders_answers" {
  data "xacct_invoke_check" "orders" {
    provider      = xacct.api
    rest_api_id   = "a1b2c3d4e5"
    resource_path = "/orders"
    http_method   = "POST"
    body          = "{}"
    depends_on    = [xacct_lambda_permission.orders, xacct_stage_deployment.prod]
  }
  assert {
    condition     = data.xacct_invoke_check.orders.status == 200
    error_message = "POST /orders answered ${data.xacct_invoke_check.orders.status}: ${data.xacct_invoke_check.orders.log}"
  }
}
