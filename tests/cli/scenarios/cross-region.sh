# examples/cross-region end to end: an API in us-east-1 calling a function of another
# account in eu-west-1. The integration's source_arn names the API's region and its
# invoke URI the function's; apply deploys the stage, the check block passes and API
# Gateway's invocation through the stage answers 200. Then the configuration moves the
# integration from the alias `live` to version 1: one apply updates it, replaces the
# permission and redeploys, and the stage calls version 1. The statement removed out of
# band breaks the call: the drift-detection run exits 2 naming the permission, the check
# block warns with the status and API Gateway's log line, apply repairs it. Destroy.

use_example cross-region
integration=xacct_lambda_integration.orders permission=xacct_lambda_permission.orders
step 0 init -input=false -no-color
step 0 apply -auto-approve -input=false -no-color
check_passed
show_json state.json
fn_arn="$(state_value state.json "$integration" function_arn)"
expect "the function is in eu-west-1, its invoke URI too" \
    grep -q "^arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/$fn_arn/invocations\$" \
        <<<"$(state_value state.json "$integration" invoke_uri)"
expect "the source ARN names the API's region, us-east-1" \
    test "$(state_value state.json "$integration" source_arn)" \
         = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/POST/orders"
expect "apply deployed the stage once" test "$(deployments)" = 1
invoke_expect 200 a1b2c3d4e5 POST /orders
expect_empty_plan
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color
check_passed

# ---- the redeploy doing real work: alias live -> version 1, in one apply
sed -i 's/function:orders:live"/function:orders:1"/; s/qualifier     = "live"/qualifier     = "1"/' \
    main.tf
step 0 apply -auto-approve -input=false -no-color
expect "apply updated the integration, replaced the permission, redeployed the stage" \
    grep -q "Resources: 1 added, 2 changed, 1 destroyed" "$cli_out"
check_passed
expect "one deployment for the whole apply" test "$(deployments)" = 2
invoke_expect 200 a1b2c3d4e5 POST /orders
expect "the stage now calls version 1" \
    grep -q ':function:orders:1$' <<<"$(jq -r .function_arn "$SCRATCH/tmp/invoke-body")"

# ---- the statement removed out of band
show_json state.json
statement_id="$(state_value state.json "$permission" statement_id)"
emu POST /_emu/drift "$(jq -nc --arg sid "$statement_id" '{op: "delete_statement",
    account: "222222222222", region: "eu-west-1", function: "orders", qualifier: "1",
    sid: $sid}')" >/dev/null
expect "out of band: statement $statement_id removed from orders:1's policy" \
    test "$emu_status" = 200
invoke_expect 500 a1b2c3d4e5 POST /orders
step 2 plan -refresh-only -detailed-exitcode -input=false -no-color
expect "the refresh-only plan says the permission has been deleted" \
    grep -q "# $permission has been deleted" "$cli_out"
check_failed "POST /orders answered 500: Execution failed due to configuration error: Invalid permissions on Lambda function"
step 0 apply -auto-approve -input=false -no-color
expect "apply created the permission again" \
    grep -q "Resources: 1 added, 0 changed, 0 destroyed" "$cli_out"
check_passed
invoke_expect 200 a1b2c3d4e5 POST /orders
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color
check_passed

# ---- destroy: the stage was there before, so it stays (serving no grant any more)
step 0 destroy -auto-approve -input=false -no-color
invoke_expect 500 a1b2c3d4e5 POST /orders
