# Moving resources managed by hashicorp/aws to xacct without replacing them (Terraform
# 1.8+ `moved` between resource types; xacct answers MoveResourceState).
# Before: aws_api_gateway_integration.hello and aws_lambda_permission.hello.

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
