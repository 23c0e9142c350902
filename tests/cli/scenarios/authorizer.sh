# examples/authorizer end to end: a cross-account, cross-region Lambda authorizer. The
# authorizer's source_arn names the function's region (us-west-2), the method's the API's
# (us-east-1). Apply deploys the stage and the check block (authorizer, then method)
# passes; through the stage the token "allow" gets 200, none 401, "deny" 403. The
# redeploy does real work (the method moved to the function's alias). Breakage out of
# band: the authorizer's statement removed (500, the drift-detection run names the
# permission, the check block warns with the authorizer's status), then the method opened
# to everyone and deployed by hand (the run names the integration and the stage; apply
# puts the authorizer back and redeploys). Destroy.

use_example authorizer
authorizer=xacct_lambda_authorizer.tokens integration=xacct_lambda_integration.secure
grant=xacct_lambda_permission.tokens stage=xacct_stage_deployment.prod
step 0 init -input=false -no-color
step 0 plan -input=false -no-color -out=tfplan
show_json tfplan plan.json
expect "authorizer_uri is planned in the function's region" \
    grep -q "^arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:222222222222:function:authorizer/invocations\$" \
        <<<"$(plan_value plan.json "$authorizer" authorizer_uri)"
step 0 apply -input=false -no-color tfplan
check_passed
show_json state.json
authorizer_id="$(state_value state.json "$authorizer" id)"
expect "the authorizer's source_arn names the function's region" \
    test "$(state_value state.json "$authorizer" source_arn)" \
         = "arn:aws:execute-api:us-west-2:111111111111:a1b2c3d4e5/authorizers/$authorizer_id"
expect "the method's source_arn names the API's region" \
    test "$(state_value state.json "$integration" source_arn)" \
         = "arn:aws:execute-api:us-east-1:111111111111:a1b2c3d4e5/*/GET/secure"
expect "the method was open before (previous_authorization NONE)" \
    test "$(state_value state.json "$integration" previous_authorization)" = NONE
invoke_expect 200 a1b2c3d4e5 GET /secure allow
invoke_expect 401 a1b2c3d4e5 GET /secure
invoke_expect 403 a1b2c3d4e5 GET /secure deny
expect_empty_plan
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color
check_passed

# ---- the redeploy doing real work: the method moved to the live alias
d="$(deployments)"
sed -i 's/function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello"/function_arn  = "arn:aws:lambda:us-west-2:222222222222:function:hello:live"/' main.tf
step 0 apply -auto-approve -input=false -no-color
expect "one deployment for the whole apply" test "$(deployments)" = $((d + 1))
check_passed
invoke_expect 200 a1b2c3d4e5 GET /secure allow
expect "the stage now calls the live alias" \
    grep -q ':function:hello:live$' <<<"$(jq -r .function_arn "$SCRATCH/tmp/invoke-body")"

# ---- out of band: the authorizer's statement removed
emu POST /_emu/drift '{"op":"delete_statement","account":"222222222222","region":"us-west-2",
    "function":"authorizer","sid":"AllowApiAuthorizerTokens"}' >/dev/null
expect "out of band: the authorizer's statement removed" test "$emu_status" = 200
invoke_expect 500 a1b2c3d4e5 GET /secure allow
step 2 plan -refresh-only -detailed-exitcode -input=false -no-color
expect "the refresh-only plan says the authorizer's permission has been deleted" \
    grep -q "# $grant has been deleted" "$cli_out"
check_failed "GET /secure answered 500 (authorizer 500): Execution failed due to configuration error: Invalid permissions on Lambda function"
step 0 apply -auto-approve -input=false -no-color
expect "apply created the permission again" \
    grep -q "Resources: 1 added, 0 changed, 0 destroyed" "$cli_out"
invoke_expect 200 a1b2c3d4e5 GET /secure allow

# ---- out of band: the method opened to everyone and deployed by hand
emu POST /_emu/drift '{"op":"patch_method","api_id":"a1b2c3d4e5","path":"/secure",
    "http_method":"GET","method":{"authorizationType":"NONE","authorizerId":null}}' >/dev/null
deploy_out_of_band a1b2c3d4e5 >/dev/null
invoke_expect 200 a1b2c3d4e5 GET /secure
step 2 plan -refresh-only -detailed-exitcode -input=false -no-color -out=drift.tfplan
expect "the refresh-only plan says the integration has changed" \
    grep -q "# $integration has changed" "$cli_out"
expect "the refresh-only plan says the stage serves another deployment" \
    grep -q "# $stage has changed" "$cli_out"
show_json drift.tfplan drift.json
expect "show -json: the method no longer uses the authorizer" \
    test "$(jq -r --arg a "$integration" '.resource_drift[] | select(.address == $a) |
                .change.after.authorizer_id' drift.json)" = null
step 0 apply -auto-approve -input=false -no-color
expect "apply put the authorizer back and redeployed" \
    grep -q "Resources: 0 added, 2 changed, 0 destroyed" "$cli_out"
check_passed
invoke_expect 401 a1b2c3d4e5 GET /secure
invoke_expect 200 a1b2c3d4e5 GET /secure allow
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color
check_passed

# ---- destroy: the method gets its authorization back before the authorizer goes
step 0 destroy -auto-approve -input=false -no-color
expect "the authorizer is gone" \
    test "$(emu GET /_emu/state | jq '.rest_apis.a1b2c3d4e5.authorizers | length')" = 0
expect "the method is as it was: open" \
    test "$(emu GET /_emu/state | jq -r '.rest_apis.a1b2c3d4e5.resources.s3cure0001.resourceMethods.GET.authorizationType')" = NONE
