# Hostile resource arguments (tests/cli/scenarios/bad-input.sh): every line ending in
# "# expect-error" must get an error diagnostic from `validate -json` whose range starts on
# that line. The provider block is valid: one with errors stops the validation of the
# resources that use it (provider/ holds those).

terraform {
  required_providers {
    xacct = {
      source  = "xacct/xacct"
      version = "~> 0.1"
    }
  }
}

provider "xacct" {
  region = "us-east-1"
}

resource "xacct_lambda_integration" "bad" {
  rest_api_id          = "a1b2c3d4e5"
  resource_path        = "/"
  http_method          = "FETCH" # expect-error
  function_arn         = "arn:aws:s3:::not-a-function" # expect-error
  timeout_milliseconds = 10 # expect-error
}

resource "xacct_lambda_integration" "neither_path_nor_id" { # expect-error
  rest_api_id  = "a1b2c3d4e5"
  http_method  = "GET"
  function_arn = "arn:aws:lambda:us-west-2:222222222222:function:hello"
}

resource "xacct_lambda_permission" "bad" {
  function_name = "hello:live"
  qualifier     = "prod" # expect-error
  source_arn    = "arn:aws:sns:us-east-1:111111111111:not-an-api" # expect-error
}
