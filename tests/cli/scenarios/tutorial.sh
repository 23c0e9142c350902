# examples/tutorial end to end, as the AWS tutorial's reader would run it, and the two
# steps the tutorial leaves out: the stage redeployed, and a check block proving that API
# Gateway can call the function.
#  - The values the permission needs are known at plan time (from `show -json`); apply
#    deploys the stage once; API Gateway's invocation through the stage answers 200; the
#    check block passes; the plan after has nothing to change and the drift-detection run
#    (`plan -refresh-only -detailed-exitcode`) exits 0.
#  - The redeploy doing real work: switching the function to its `live` alias updates the
#    integration and redeploys the stage once in the same apply, and the stage then calls
#    the alias; switching back does it again.
#  - Breakage out of band (the integration pointed at the alias, the statement removed, the
#    API deployed by hand): the invocation fails, the drift-detection run exits 2 naming
#    the integration, the permission and the stage, and the check block warns with the
#    status and API Gateway's log line; apply repairs everything, the next run exits 0.
#  - The stage deleted out of band is reported and created again by apply.
#  - Destroy: the stage this configuration created is removed with it.

use_example tutorial
integration=xacct_lambda_integration.hello permission=xacct_lambda_permission.hello
stage=xacct_stage_deployment.prod
api_account="$(jq -r --arg k "$lab_api_key" \
               '.accounts[] | select(.users[].access_key_id == $k) | .id' "$lab_world")"

step 0 init -input=false -no-color
step 0 validate -no-color
step 0 plan -input=false -no-color -out=tfplan
show_json tfplan plan.json

# ---- what the plan shows before anything exists
expect "the plan creates the integration, the permission and the stage deployment" \
    test "$(jq -c '[.resource_changes[] | select(.mode == "managed") | .change.actions[]] |
                   sort' plan.json)" = '["create","create","create"]'
fn_arn="$(plan_value plan.json "$integration" function_arn)"
fn_region="$(cut -d: -f4 <<<"$fn_arn")" fn_account="$(cut -d: -f5 <<<"$fn_arn")"
expect "function_region and function_account_id are planned from function_arn" \
    test "$(plan_value plan.json "$integration" function_region)/$(plan_value plan.json \
          "$integration" function_account_id)" = "$fn_region/$fn_account"
expect "invoke_uri is planned: arn:aws:apigateway:{function region}:lambda:path/.../{function ARN}/invocations" \
    test "$(plan_value plan.json "$integration" invoke_uri)" \
         = "arn:aws:apigateway:$fn_region:lambda:path/2015-03-31/functions/$fn_arn/invocations"
expect "api_account_id is planned: the account of the API's credentials" \
    test "$(plan_value plan.json "$integration" api_account_id)" = "$api_account"
source_arn="$(plan_value plan.json "$integration" source_arn)"
expect "source_arn is planned in the API's region: $source_arn" \
    test "$source_arn" = "arn:aws:execute-api:us-east-1:$api_account:a1b2c3d4e5/*/GET/"
expect "the permission's source_arn is the integration's, known at plan time" \
    test "$(plan_value plan.json "$permission" source_arn)" = "$source_arn"
expect "only the lookups wait for apply: resource_id, id" \
    test "$(jq -c --arg a "$integration" '.resource_changes[] | select(.address == $a) |
                .change.after_unknown | to_entries | map(select(.value == true) | .key) | sort' \
                plan.json)" = '["cache_namespace","id","passthrough_behavior","resource_id"]'
expect "the stage deployment's id is planned, its deployment waits for apply" \
    test "$(plan_value plan.json "$stage" id)" = "a1b2c3d4e5/prod"

# ---- apply, invoke through the stage, nothing left to do
step 0 apply -input=false -no-color tfplan
check_passed
show_json state.json
expect "the applied source_arn is the planned one" \
    test "$(state_value state.json "$integration" source_arn)" = "$source_arn"
expect "the integration's id is REST-API-ID/RESOURCE-ID/HTTP-METHOD" \
    test "$(state_value state.json "$integration" id)" \
         = "a1b2c3d4e5/$(state_value state.json "$integration" resource_id)/GET"
expect "apply deployed the stage once" test "$(deployments)" = 1
expect "the stage serves the deployment it made" \
    test "$(state_value state.json "$stage" deployment_id)" \
         = "$(state_value state.json "$stage" created_deployment_id)"
invoke_expect 200 a1b2c3d4e5 GET /
expect_empty_plan
# The scheduled drift-detection run right after apply finds nothing: exit 0.
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color
check_passed

# ---- the redeploy doing real work: one apply, the integration changed, one deployment
step 0 apply -auto-approve -input=false -no-color -var "function_arn=$fn_arn:live"
expect "apply updated the integration, replaced the permission, redeployed the stage" \
    grep -q "Resources: 1 added, 2 changed, 1 destroyed" "$cli_out"
check_passed
expect "one deployment for the whole apply" test "$(deployments)" = 2
invoke_expect 200 a1b2c3d4e5 GET /
expect "the stage now calls the live alias" \
    test "$(jq -r .function_arn "$SCRATCH/tmp/invoke-body")" = "$fn_arn:live"
step 0 apply -auto-approve -input=false -no-color
expect "back to the function: one more deployment" test "$(deployments)" = 3
invoke_expect 200 a1b2c3d4e5 GET /
expect "the stage calls the function again" \
    test "$(jq -r .function_arn "$SCRATCH/tmp/invoke-body")" = "$fn_arn"

# ---- breakage made out of band, found by a refresh-only plan, repaired by apply
show_json state.json
statement_id="$(state_value state.json "$permission" statement_id)"
live_uri="arn:aws:apigateway:$fn_region:lambda:path/2015-03-31/functions/$fn_arn:live/invocations"
emu POST /_emu/drift "$(jq -nc --arg uri "$live_uri" '{op: "set_integration_uri",
    api_id: "a1b2c3d4e5", path: "/", http_method: "GET", uri: $uri}')" >/dev/null
expect "out of band: the integration now calls the live alias" test "$emu_status" = 200
emu POST /_emu/drift "$(jq -nc --arg fn "$fn_arn" --arg sid "$statement_id" \
    '{op: "delete_statement", function_arn: $fn, sid: $sid}')" >/dev/null
expect "out of band: statement $statement_id removed from the function's policy" \
    test "$emu_status" = 200
deploy_out_of_band a1b2c3d4e5 >/dev/null
expect "out of band: the API deployed by hand to prod" test "$emu_status" = 200
invoke_expect 500 a1b2c3d4e5 GET /

step 2 plan -refresh-only -detailed-exitcode -input=false -no-color -out=drift.tfplan
expect "the refresh-only plan says the integration has changed" \
    grep -q "# $integration has changed" "$cli_out"
expect "the refresh-only plan says the permission has been deleted" \
    grep -q "# $permission has been deleted" "$cli_out"
expect "the refresh-only plan says the stage serves another deployment" \
    grep -q "# $stage has changed" "$cli_out"
check_failed "status 500. Execution failed due to configuration error: Invalid permissions on Lambda function"
show_json drift.tfplan drift.json
expect "show -json: the integration's function_arn drifted to the live alias" \
    test "$(jq -r --arg a "$integration" '.resource_drift[] | select(.address == $a) |
                .change.after.function_arn' drift.json)" = "$fn_arn:live"
expect "show -json: the permission is gone" \
    test "$(jq -c --arg a "$permission" '.resource_drift[] | select(.address == $a) |
                .change.actions' drift.json)" = '["delete"]'

step 0 apply -auto-approve -input=false -no-color
expect "apply updated the integration, created the permission again and redeployed" \
    grep -q "Resources: 1 added, 2 changed, 0 destroyed" "$cli_out"
check_passed
invoke_expect 200 a1b2c3d4e5 GET /
expect "the stage calls the function again" \
    test "$(jq -r .function_arn "$SCRATCH/tmp/invoke-body")" = "$fn_arn"
expect_empty_plan

# The next scheduled run finds nothing.
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color -out=again.tfplan
expect "the repeated drift-detection run says No changes" grep -q "No changes" "$cli_out"
check_passed
show_json again.tfplan again.json
expect "show -json: no resource drifted" \
    test "$(jq '[.resource_drift[]?] | length' again.json)" = 0

# ---- the stage deleted out of band
emu POST /_emu/drift '{"op":"delete_stage","api_id":"a1b2c3d4e5","stage":"prod"}' >/dev/null
invoke_expect 403 a1b2c3d4e5 GET /
step 2 plan -refresh-only -detailed-exitcode -input=false -no-color
expect "the refresh-only plan says the stage deployment has been deleted" \
    grep -q "# $stage has been deleted" "$cli_out"
step 0 apply -auto-approve -input=false -no-color
expect "apply created the stage again" grep -q "Resources: 1 added, 0 changed, 0 destroyed" \
    "$cli_out"
invoke_expect 200 a1b2c3d4e5 GET /

# ---- destroy: this configuration created the stage this time, so it goes too
step 0 destroy -auto-approve -input=false -no-color
invoke_expect 403 a1b2c3d4e5 GET /
show_json state.json
expect "the state is empty" \
    test "$(jq '[.values.root_module.resources[]?] | length' state.json)" = 0
