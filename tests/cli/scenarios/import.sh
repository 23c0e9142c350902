# Adoption: the wiring made by hand the way the console tutorial makes it (PutIntegration in
# the API's account, AddPermission in the function's account, signed by curl, not by the
# provider), then examples/import as written: its import {} blocks use hashicorp/aws's ID
# formats, and the plan shows 2 to import and nothing to change. Apply adopts them; the
# next plan is empty; destroy removes them.

use_example import
integration=xacct_lambda_integration.hello permission=xacct_lambda_permission.hello
fn_arn="$(sed -n 's/^ *function_arn *= *"\(.*\)"$/\1/p' main.tf)"
step 0 init -input=false -no-color

wire_integration_out_of_band a1b2c3d4e5 abc123 "$fn_arn"
pass "out of band: PutIntegration GET /hello -> $fn_arn"
# The statement names the method's execute-api ARN as the provider computes it: read it
# from a plan that imports the integration alone.
step 0 plan -input=false -no-color -target="$integration" -out=integration.tfplan
show_json integration.tfplan integration.json
source_arn="$(plan_value integration.json "$integration" source_arn)"
wire_permission_out_of_band "$fn_arn" AllowExecutionFromAPIGateway "$source_arn"
deploy_out_of_band a1b2c3d4e5 >/dev/null   # the console's "Deploy API", also by hand
pass "out of band: AddPermission AllowExecutionFromAPIGateway for $source_arn"
invoke_expect 200 a1b2c3d4e5 GET /hello

step 0 plan -input=false -no-color -out=tfplan
expect "the plan says: 2 to import, 0 to add, 0 to change, 0 to destroy" \
    grep -q "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy" "$cli_out"
show_json tfplan plan.json
expect "show -json: both resources are imported with no-op actions" \
    test "$(jq -c '[.resource_changes[] | [.address, .change.actions[0],
                    (.change.importing.id // "")]] | sort' plan.json)" \
         = "$(jq -nc --arg i "$integration" --arg p "$permission" \
              '[[$i, "no-op", "a1b2c3d4e5/abc123/GET"],
                [$p, "no-op", "hello/AllowExecutionFromAPIGateway"]]')"

step 0 apply -input=false -no-color tfplan
expect "apply imported both" grep -q "Resources: 2 imported, 0 added, 0 changed, 0 destroyed" \
    "$cli_out"
step 0 plan -detailed-exitcode -input=false -no-color
invoke_expect 200 a1b2c3d4e5 GET /hello
step 0 destroy -auto-approve -input=false -no-color
invoke_expect 500 a1b2c3d4e5 GET /hello
