# A wiring watched by a scheduled drift-detection run (see README.md): the GET /hello
# method of the API calls the function's `live` alias, with a statement id of its own so
# that a person reading the function's policy knows where it comes from. The stage is
# redeployed when the wiring changes (or was rolled back by hand), and the check block
# turns every run into an end-to-end test of API Gateway calling the function.

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

resource "xacct_lambda_integration" "hello_live" {
  provider      = xacct.api
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/hello"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello:live"
}

resource "xacct_lambda_permission" "hello_live" {
  provider      = xacct.function
  function_name = "hello"
  qualifier     = "live"
  statement_id  = "AllowApiGatewayHelloLive"
  source_arn    = xacct_lambda_integration.hello_live.source_arn
}

resource "xacct_stage_deployment" "prod" {
  provider    = xacct.api
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
  triggers = {
    hello_live_id  = xacct_lambda_integration.hello_live.id
    hello_live_uri = xacct_lambda_integration.hello_live.invoke_uri
  }
}

check "hello_live_answers" {
  data "xacct_invoke_check" "hello_live" {
    provider      = xacct.api
    rest_api_id   = "a1b2c3d4e5"
    resource_path = "/hello"
    http_method   = "GET"
    depends_on    = [xacct_lambda_permission.hello_live, xacct_stage_deployment.prod]
  }
  assert {
    condition     = data.xacct_invoke_check.hello_live.status == 200
    error_message = "GET /hello answered ${data.xacct_invoke_check.hello_live.status}: ${data.xacct_invoke_check.hello_live.log}"
  }
}
