# Moving from hashicorp/aws: the wiring made by hand, a state in which hashicorp/aws's
# aws_api_gateway_integration.hello and aws_lambda_permission.hello hold it (attributes as
# that provider stores them), then examples/moved as written. The plan moves both with
# nothing to add, change or destroy; apply; the next plan is empty.
# Terraform insists that the provider named in the state is installed, and hashicorp/aws
# cannot be downloaded here: the mirror's hashicorp/aws slot holds a stand-in (this
# provider's binary). Terraform only loads its schema; MoveResourceState goes to xacct,
# and a call for an aws_* type would fail loudly (the stand-in has no such type).
# OpenTofu 1.6 refuses moved blocks between resource types ("Resource type mismatch"):
# the scenario checks that refusal and is skipped.

use_example moved
integration=xacct_lambda_integration.hello permission=xacct_lambda_permission.hello
fn_arn="$(sed -n 's/^ *function_arn *= *"\(.*\)"$/\1/p' main.tf)"
step 0 init -input=false -no-color
if [[ "$cli_name" == tofu ]]; then
    rc=0
    cli plan -input=false -no-color || rc=$?
    if [[ "$rc" == 1 ]] && grep -q "Resource type mismatch" "$cli_err"; then
        pass "tofu refuses the moved blocks: Resource type mismatch"
        skip "OpenTofu 1.6 has no moved blocks between resource types (Resource type mismatch)"
    fi
fi

wire_integration_out_of_band a1b2c3d4e5 abc123 "$fn_arn"
# The statement names the method's execute-api ARN as the provider computes it; with
# resource_id given, the path is known once the integration is read: import it in a
# throw-away plan to learn it.
printf 'import {\n  to = %s\n  id = "a1b2c3d4e5/abc123/GET"\n}\n' "$integration" >learn.tf
step 0 plan -input=false -no-color -target="$integration" -out=integration.tfplan
rm learn.tf
show_json integration.tfplan integration.json
source_arn="$(plan_value integration.json "$integration" source_arn)"
wire_permission_out_of_band "$fn_arn" AllowExecutionFromAPIGateway "$source_arn"
deploy_out_of_band a1b2c3d4e5 >/dev/null   # the console's "Deploy API", also by hand
invoke_expect 200 a1b2c3d4e5 GET /hello

fn_region="$(cut -d: -f4 <<<"$fn_arn")"
jq -n --arg fn "$fn_arn" --arg src "$source_arn" \
      --arg uri "arn:aws:apigateway:$fn_region:lambda:path/2015-03-31/functions/$fn_arn/invocations" '
  def aws(type; attrs): {mode: "managed", type: type, name: "hello",
    provider: "provider[\"registry.terraform.io/hashicorp/aws\"]",
    instances: [{schema_version: 0, attributes: attrs, sensitive_attributes: []}]};
  {version: 4, terraform_version: "1.11.4", serial: 1,
   lineage: "6c1d3e0a-94c5-4c1e-8f4f-2d1c7e0a9b11", outputs: {},
   resources: [
     aws("aws_api_gateway_integration"; {
       id: "agi-a1b2c3d4e5-abc123-GET", rest_api_id: "a1b2c3d4e5", resource_id: "abc123",
       http_method: "GET", type: "AWS_PROXY", integration_http_method: "POST", uri: $uri,
       connection_type: "INTERNET", connection_id: "", credentials: "",
       passthrough_behavior: "WHEN_NO_MATCH", content_handling: "",
       cache_namespace: "abc123", cache_key_parameters: [], request_parameters: {},
       request_templates: {}, timeout_milliseconds: 29000, tls_config: []}),
     aws("aws_lambda_permission"; {
       id: "AllowExecutionFromAPIGateway", statement_id: "AllowExecutionFromAPIGateway",
       statement_id_prefix: "", action: "lambda:InvokeFunction", function_name: $fn,
       principal: "apigateway.amazonaws.com", source_arn: $src, source_account: null,
       qualifier: "", event_source_token: null, principal_org_id: null,
       function_url_auth_type: null})],
   check_results: null}' >terraform.tfstate
lab_mirror_add hashicorp/aws 5.99.0 "$XACCT_PROVIDER_BIN"
step 0 init -input=false -no-color

step 0 plan -input=false -no-color -out=tfplan
expect "the plan moves both and changes nothing: 0 to add, 0 to change, 0 to destroy" \
    grep -q "Plan: 0 to add, 0 to change, 0 to destroy" "$cli_out"
show_json tfplan plan.json
expect "show -json: each xacct resource comes from its aws_* address, no-op" \
    test "$(jq -c '[.resource_changes[] | [.address, .previous_address, .change.actions[0]]] |
                  sort' plan.json)" \
         = "$(jq -nc --arg i "$integration" --arg p "$permission" \
              '[[$i, "aws_api_gateway_integration.hello", "no-op"],
                [$p, "aws_lambda_permission.hello", "no-op"]]')"
step 0 apply -input=false -no-color tfplan
show_json state.json
expect "the state holds the xacct resources only" \
    test "$(jq -c '[.values.root_module.resources[].address] | sort' state.json)" \
         = "$(jq -nc --arg i "$integration" --arg p "$permission" '[$i, $p]')"
step 0 plan -detailed-exitcode -input=false -no-color
invoke_expect 200 a1b2c3d4e5 GET /hello
step 0 destroy -auto-approve -input=false -no-color
invoke_expect 500 a1b2c3d4e5 GET /hello
