# Provider functions on a real CLI (Terraform 1.8+; OpenTofu 1.7+, so not the pinned
# OpenTofu 1.6, which cannot parse provider::xacct::... and is skipped): examples/functions
# applied (outputs only, nothing in AWS), each output the value xacct computes; then
# `terraform console` on bad arguments: "Invalid function argument" naming the parameter
# at fault, or "Error in function call" for the call as a whole.

[[ "$cli_name" == terraform ]] ||
    skip "OpenTofu 1.6 has no provider functions (they arrived in OpenTofu 1.7)"
use_example functions
step 0 init -input=false -no-color
step 0 apply -auto-approve -input=false -no-color
cli output -json || fail "output -json"
cp "$cli_out" outputs.json
out() { jq -r --arg k "$1" '.[$k].value' outputs.json; }
fn=arn:aws:lambda:us-west-2:222222222222:function:hello
expect "invoke_uri is the function's buffered URI" test "$(out invoke_uri)" = \
    "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/$fn/invocations"
expect "invoke_uri(..., true) is the streaming URI" test "$(out streaming_invoke_uri)" = \
    "arn:aws:apigateway:us-west-2:lambda:path/2021-11-15/functions/$fn/response-streaming-invocations"
expect "source_arn: every stage, GET, path parameters as *, the API's region" \
    test "$(out source_arn)" = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/pets/*"
expect "source_arn with null method and path: every method and path" \
    test "$(out source_arn_any)" = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/*/*"
expect "authorizer_source_arn" test "$(out authorizer_source_arn)" = \
    "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/authorizers/abc123"
expect "parse_lambda_arn returns an object of the parts" \
    test "$(jq -c '.function.value' outputs.json)" = \
         "$(jq -nc --arg a "$fn" '{account_id: "222222222222", function_arn: $a,
                                   function_name: "hello", partition: "aws",
                                   qualifier: "live", region: "us-west-2"}')"

# console_error EXPRESSION SUMMARY PARAMETER: terraform console refuses the expression
# with SUMMARY and names PARAMETER ("" for none).
console_error() {
    local rc=0
    cli console -no-color <<<"$1" || rc=$?
    if [[ "$rc" == 1 ]] && grep -q "$2" "$cli_err" &&
        { [[ -z "$3" ]] || grep -q "Invalid value for \"$3\" parameter" "$cli_err"; }; then
        pass "console: $1 -> $2${3:+ ($3)}"
    else
        fail "console: $1 should fail with $2${3:+ naming $3} (exit status $rc)"
    fi
}
console_error 'provider::xacct::invoke_uri("hello", false)' "Invalid function argument" function_arn
console_error 'provider::xacct::source_arn("arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5", "FETCH", "/")' \
    "Invalid function argument" http_method
console_error 'provider::xacct::source_arn("arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5", "GET", "pets")' \
    "Invalid function argument" resource_path
console_error 'provider::xacct::source_arn("a1b2c3d4e5", "GET", "/")' \
    "Invalid function argument" execution_arn
console_error 'provider::xacct::parse_lambda_arn("arn:aws:s3:::bucket")' \
    "Invalid function argument" arn
console_error 'provider::xacct::invoke_uri(null, false)' "Invalid function argument" function_arn
rc=0
cli console -no-color <<<'provider::xacct::parse_lambda_arn("hello:7").qualifier' || rc=$?
expect "console evaluates parse_lambda_arn(\"hello:7\").qualifier to \"7\"" \
    test "$rc" = 0 -a "$(tr -d '\r' <"$cli_out")" = '"7"'
