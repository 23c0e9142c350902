# -debug with the CLI, as the README says to use it: terraform-provider-xacct -debug, then
# the CLI with the TF_REATTACH_PROVIDERS value it printed. The tutorial's two provider
# configurations reach the one debug process: the plan fails with the error that says how
# to debug instead, and never plans with the other block's account. Restarted, the process
# serves one configuration (-target on the api block's resource) for as many commands as
# needed. Ctrl-C ends it with status 0.

use_example tutorial
step 0 init -input=false -no-color

expect "terraform-provider-xacct -debug prints TF_REATTACH_PROVIDERS" lab_debug_start
cli_env+=("TF_REATTACH_PROVIDERS=$lab_reattach")
for attempt in 1 2; do
    step 1 plan -input=false -no-color
    expect "plan $attempt: the error says one provider configuration per debug process" \
        grep -q "One provider configuration per debug process" "$cli_err"
    expect "plan $attempt: the error says how to debug the tutorial" \
        grep -q -- "-target=xacct_lambda_integration.hello" "$cli_err"
    expect "plan $attempt: no plan with the function account as the API's account" \
        test "$(grep -c 'api_account_id *= *"222222222222"' "$cli_out" || true)" = 0
done
stopped=0
lab_debug_stop || stopped=$?
expect "Ctrl-C stops the debug process with status 0" test "$stopped" = 0

expect "a new debug process" lab_debug_start
cli_env=("${cli_env[@]/#TF_REATTACH_PROVIDERS=*/TF_REATTACH_PROVIDERS=$lab_reattach}")
for attempt in 1 2; do
    step 0 plan -input=false -no-color -target=xacct_lambda_integration.hello -out=api.tfplan
    show_json api.tfplan api.json
    expect "plan $attempt with the api block only: api_account_id is the API's account" \
        test "$(plan_value api.json xacct_lambda_integration.hello api_account_id)" \
             = 111111111111
done
stopped=0
lab_debug_stop || stopped=$?
expect "Ctrl-C stops the debug process with status 0" test "$stopped" = 0
