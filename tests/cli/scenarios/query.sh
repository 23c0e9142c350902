# Adopting wiring made by hand, `terraform query`'s way, on CLIs older than Terraform
# 1.14 (which has `terraform query -generate-config-out`): the emulator holds the
# console's wiring (tests/awsemu/seeds/console.json); tests/tools/xacct-query runs the
# list blocks of examples/query over the real protocol - ListResource, then
# GenerateResourceConfig for every object found - and writes the import and resource
# blocks Terraform 1.14 would; the CLI then plans them: every object to import and
# nothing to add, change or destroy; apply adopts them, the next plan is empty, and
# API Gateway still reaches the functions.

: "${XACCT_QUERY_BIN:?the xacct-query tool}"
lab_emu_stop
lab_world="$lab_root/tests/awsemu/seeds/console.json"
lab_emu_start
use_example query
rm -f ./*.tfquery.hcl     # these CLIs do not read them; xacct-query does their work
endpoints="\"endpoints\":[{\"apigateway\":\"$emu_url\",\"lambda\":\"$emu_url\",\"sts\":\"$emu_url\"}]"
keys="\"access_key\":\"$lab_api_key\",\"secret_key\":\"$lab_api_secret\""
api="{\"region\":\"us-east-1\",$keys,$endpoints}"
fn="{\"region\":\"us-west-2\",$keys,$endpoints,\"assume_role\":[{\"role_arn\":\"arn:aws:iam::222222222222:role/xacct-deployer\"}]}"
query() {
    XACCT_PROVIDER_BIN="$XACCT_PROVIDER_BIN" "$XACCT_QUERY_BIN" "$@" >>generated.tf \
        2>>"$SCRATCH/logs/xacct-query.err" || fail "xacct-query $3 $4" "$(cat "$SCRATCH/logs/xacct-query.err")"
}
query "$api" xacct.api xacct_lambda_integration \
    '{"rest_api_id":"q1w2e3r4t5","other_accounts_only":true}' console
query "$api" xacct.api xacct_lambda_authorizer \
    '{"rest_api_id":"q1w2e3r4t5","other_accounts_only":true}' console
query "$fn" xacct.function xacct_lambda_permission '{"function_name":"console-hello"}' console
query "$fn" xacct.function xacct_lambda_permission \
    '{"function_name":"console-hello","qualifier":"live"}' console_live
cp generated.tf "$SCRATCH/logs/generated.tf"
expect "xacct-query wrote 8 import blocks (3 integrations, 1 authorizer, 4 permissions)" \
    test "$(grep -c '^import {' generated.tf)" = 8
# computed_in_resources: the computed-only attributes set in resource blocks.
computed_in_resources() {
    awk '/^resource /{r=1} /^}/{r=0}
         r && /^  (id|invoke_uri|authorizer_uri|source_arn|api_account_id|function_account_id|function_region) =/' \
        generated.tf | grep -v '^  source_arn = .*' || true
}
expect "the resource blocks set no computed-only attribute (id, invoke_uri, ...)" \
    test -z "$(computed_in_resources)"
expect "an integration is named by resource_path and function_arn, not resource_id or URI" \
    grep -q '^  resource_path = "/orders/{id}"' generated.tf
step 0 init -input=false -no-color
step 0 plan -input=false -no-color -out=tfplan
expect "the plan says: 8 to import, 0 to add, 0 to change, 0 to destroy" \
    grep -q "Plan: 8 to import, 0 to add, 0 to change, 0 to destroy" "$cli_out"
step 0 apply -input=false -no-color tfplan
expect "apply imported all eight" grep -q "Resources: 8 imported, 0 added, 0 changed, 0 destroyed" \
    "$cli_out"
step 0 plan -detailed-exitcode -input=false -no-color
invoke_expect 200 q1w2e3r4t5 GET /
invoke_expect 200 q1w2e3r4t5 POST /orders
