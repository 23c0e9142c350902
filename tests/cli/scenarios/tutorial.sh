# examples/tutorial end to end, as the AWS tutorial's reader would run it: the values the
# permission needs are known at plan time (read from `show -json` of the saved plan);
# apply; API Gateway's invocation answers 200; a second plan is empty and the
# drift-detection run (`plan -refresh-only -detailed-exitcode`) exits 0. Then the
# integration is pointed elsewhere and the statement removed out of band; the
# drift-detection run exits 2 and names both; `apply` repairs it; the invocation answers
# 200 again and the drift-detection run exits 0 again. Destroy; the invocation answers 500.

use_example tutorial
integration=xacct_lambda_integration.hello permission=xacct_lambda_permission.hello
api_account="$(jq -r --arg k "$lab_api_key" \
               '.accounts[] | select(.users[].access_key_id == $k) | .id' "$lab_world")"

step 0 init -input=false -no-color
step 0 validate -no-color
step 0 plan -input=false -no-color -out=tfplan
show_json tfplan plan.json

# ---- what the plan shows before anything exists
expect "the plan creates the integration and the permission" \
    test "$(jq -c '[.resource_changes[] | .change.actions[]] | sort' plan.json)" \
         = '["create","create"]'
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
expect "source_arn is planned: $source_arn" \
    grep -Eq "^arn:aws:execute-api:[a-z0-9-]+:$api_account:a1b2c3d4e5/\*/GET/\$" <<<"$source_arn"
expect "the permission's source_arn is the integration's, known at plan time" \
    test "$(plan_value plan.json "$permission" source_arn)" = "$source_arn"
expect "only the lookups wait for apply: resource_id, id" \
    test "$(jq -c --arg a "$integration" '.resource_changes[] | select(.address == $a) |
                .change.after_unknown | to_entries | map(select(.value == true) | .key) | sort' \
                plan.json)" = '["cache_namespace","id","passthrough_behavior","resource_id"]'

# ---- apply, invoke, nothing left to do
step 0 apply -input=false -no-color tfplan
show_json state.json
expect "the applied source_arn is the planned one" \
    test "$(state_value state.json "$integration" source_arn)" = "$source_arn"
expect "the integration's id is REST-API-ID/RESOURCE-ID/HTTP-METHOD" \
    test "$(state_value state.json "$integration" id)" \
         = "a1b2c3d4e5/$(state_value state.json "$integration" resource_id)/GET"
invoke_expect 200 a1b2c3d4e5 GET /
step 0 plan -detailed-exitcode -input=false -no-color
# The scheduled drift-detection run right after apply finds nothing: exit 0.
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color

# ---- drift made out of band, found by a refresh-only plan, repaired by apply
statement_id="$(state_value state.json "$permission" statement_id)"
live_uri="arn:aws:apigateway:$fn_region:lambda:path/2015-03-31/functions/$fn_arn:live/invocations"
emu POST /_emu/drift "$(jq -nc --arg uri "$live_uri" '{op: "set_integration_uri",
    api_id: "a1b2c3d4e5", path: "/", http_method: "GET", uri: $uri}')" >/dev/null
expect "out of band: the integration now calls the live alias" test "$emu_status" = 200
emu POST /_emu/drift "$(jq -nc --arg fn "$fn_arn" --arg sid "$statement_id" \
    '{op: "delete_statement", function_arn: $fn, sid: $sid}')" >/dev/null
expect "out of band: statement $statement_id removed from the function's policy" \
    test "$emu_status" = 200
invoke_expect 500 a1b2c3d4e5 GET /

step 2 plan -refresh-only -detailed-exitcode -input=false -no-color -out=drift.tfplan
expect "the refresh-only plan says the integration has changed" \
    grep -q "# $integration has changed" "$cli_out"
expect "the refresh-only plan says the permission has been deleted" \
    grep -q "# $permission has been deleted" "$cli_out"
show_json drift.tfplan drift.json
expect "show -json: the integration's function_arn drifted to the live alias" \
    test "$(jq -r --arg a "$integration" '.resource_drift[] | select(.address == $a) |
                .change.after.function_arn' drift.json)" = "$fn_arn:live"
expect "show -json: the permission is gone" \
    test "$(jq -c --arg a "$permission" '.resource_drift[] | select(.address == $a) |
                .change.actions' drift.json)" = '["delete"]'

step 0 apply -auto-approve -input=false -no-color
expect "apply updated the integration and created the permission again" \
    grep -q "Resources: 1 added, 1 changed, 0 destroyed" "$cli_out"
step 0 plan -detailed-exitcode -input=false -no-color
invoke_expect 200 a1b2c3d4e5 GET /

# The next scheduled run finds nothing.
step 0 plan -refresh-only -detailed-exitcode -input=false -no-color -out=again.tfplan
expect "the repeated drift-detection run says No changes" grep -q "No changes" "$cli_out"
show_json again.tfplan again.json
expect "show -json: no resource drifted" \
    test "$(jq '[.resource_drift[]?] | length' again.json)" = 0

# ---- destroy
step 0 destroy -auto-approve -input=false -no-color
invoke_expect 500 a1b2c3d4e5 GET /
show_json state.json
expect "the state is empty" \
    test "$(jq '[.values.root_module.resources[]?] | length' state.json)" = 0
