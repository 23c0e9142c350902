# A cross-account, cross-region Lambda authorizer ("Configure a cross-account API Gateway
# Lambda authorizer"): the REST API is in account 111111111111 (us-east-1); the
# authorizer function and the function behind GET /secure are in account 222222222222
# (us-west-2). The authorizer's source_arn names the FUNCTION's region, as AWS requires for
# a cross-region authorizer; the method's source_arn names the API's.

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

# In the API's account: the authorizer, calling the function in the other account.
resource "xacct_lambda_authorizer" "tokens" {
  provider                         = xacct.api
  rest_api_id                      = "a1b2c3d4e5"
  name                             = "tokens"
  function_arn                     = "arn:aws:lambda:us-west-2:222222222222:function:authorizer"
  identity_source                  = "method.request.header.Authorization"
  authorizer_result_ttl_in_seconds = 0
}

# In the function's account: API Gateway may call the authorizer function...
resource "xacct_lambda_permission" "tokens" {
  provider      = xacct.function
  function_name = xacct_lambda_authorizer.tokens.function_arn
  statement_id  = "AllowApiAuthorizerTokens"
  source_arn    = xacct_lambda_authorizer.tokens.source_arn
}

# ...and the method's function, for a method behind the authorizer.
resource "xacct_lambda_integration" "secure" {
  provider      = xacct.api
  rest_api_id   = "a1b2c3d4e5"
  resource_path = "/secure"
  http_method   = "GET"
  function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"
  authorizer_id = xacct_lambda_authorizer.tokens.id
}

resource "xacct_lambda_permission" "secure" {
  provider      = xacct.function
  function_name = xacct_lambda_integration.secure.function_arn
  statement_id  = "AllowApiSecure"
  source_arn    = xacct_lambda_integration.secure.source_arn
}

resource "xacct_stage_deployment" "prod" {
  provider    = xacct.api
  rest_api_id = "a1b2c3d4e5"
  stage_name  = "prod"
  triggers = {
    secure_id      = xacct_lambda_integration.secure.id
    secure_uri     = xacct_lambda_integration.secure.invoke_uri
    secure_auth    = xacct_lambda_integration.secure.authorizer_id
    authorizer_uri = xacct_lambda_authorizer.tokens.authorizer_uri
  }
}

# The authorizer first (TestInvokeAuthorizer), then the method (TestInvokeMethod).
check "secure_answers" {
  data "xacct_invoke_check" "secure" {
    provider      = xacct.api
    rest_api_id   = "a1b2c3d4e5"
    resource_path = "/secure"
    http_method   = "GET"
    headers       = { Authorization = "allow" }
    depends_on    = [xacct_lambda_permission.tokens, xacct_lambda_permission.secure,
                     xacct_stage_deployment.prod]
  }
  assert {
    condition     = data.xacct_invoke_check.secure.status == 200
    error_message = "GET /secure answered ${data.xacct_invoke_check.secure.status} (authorizer ${coalesce(data.xacct_invoke_check.secure.authorizer_status, 0)}): ${data.xacct_invoke_check.secure.log}"
  }
}

output "authorizer_source_arn" {
  value = xacct_lambda_authorizer.tokens.source_arn
}
