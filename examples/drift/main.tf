# A wiring watched by a scheduled drift-detection run (see README.md): the GET /hello
# method of the API calls the function's `live` alias, with a statement id of its own so
# that a person reading the function's policy knows where it comes from.

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
