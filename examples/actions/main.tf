# Actions (Terraform 1.14+): after the integration changes, deploy the API to its stage
# and call the method the way the console's Test button does; the run fails unless the
# method answers 2xx. Both can also be run on their own:
#   terraform apply -invoke=action.xacct_test_invoke.hello
# xacct_redeploy_stage is API Gateway's CreateDeployment on the stage, xacct_test_invoke its
# TestInvokeMethod (the method's current configuration; a status outside 200-299 fails the
# run unless allow_failure = true).

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

action "xacct_redeploy_stage" "prod" {
  provider = xacct.api
  config {
    rest_api_id = "a1b2c3d4e5"
    stage_name  = "prod"
    description = "xacct: integration changed"
  }
}

action "xacct_test_invoke" "hello" {
  provider = xacct.api
  config {
    rest_api_id   = "a1b2c3d4e5"
    resource_path = "/"
    http_method   = "GET"
  }
}

resource "xacct_lambda_integration" "hello" {
  provider      = xacct.api
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.xacct_redeploy_stage.prod, action.xacct_test_invoke.hello]
    }
  }
}
