# The methods of REST API q1w2e3r4t5 that call a Lambda function in another account.
list "xacct_lambda_integration" "console" {
  provider         = xacct.api
  include_resource = true

  config {
    rest_api_id         = "q1w2e3r4t5"
    other_accounts_only = true
  }
}

# Its Lambda authorizers whose function is in another account.
list "xacct_lambda_authorizer" "console" {
  provider         = xacct.api
  include_resource = true

  config {
    rest_api_id         = "q1w2e3r4t5"
    other_accounts_only = true
  }
}

# The statements of console-hello's policy that let API Gateway in.
list "xacct_lambda_permission" "console" {
  provider = xacct.function
  limit    = 50

  config {
    function_name = "console-hello"
  }
}

# The same for its alias "live", which has a policy of its own.
list "xacct_lambda_permission" "console_live" {
  provider = xacct.function

  config {
    function_name = "console-hello"
    qualifier     = "live"
  }
}
