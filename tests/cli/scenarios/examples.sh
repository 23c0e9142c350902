# Every directory under examples/ is a root module that inits and validates as written,
# with nothing but the provider's own mirror - but for what these CLIs are too old for:
# examples/actions (Terraform 1.14) and, on OpenTofu 1.6, examples/functions (1.7+). Those
# the emulator can serve as they stand are applied: their check blocks pass, every wiring
# answers API Gateway's invocation through the stage "prod" (each example deploys it; a
# method behind an authorizer with the token "allow"), the plan after has nothing to
# change, and destroy removes them (the invocation then fails). examples/import and
# examples/moved need objects made out of band first: their scenarios of the same names
# apply them.

has_tf_files() { compgen -G "*.tf" >/dev/null; }

for example_dir in "$lab_root"/examples/*/; do
    name="$(basename "$example_dir")"
    echo "# examples/$name"
    use_example "$name"
    expect "examples/$name holds a root module" has_tf_files
    if [[ "$name" == actions ]]; then
        # action blocks are Terraform 1.14's: neither CLI here parses them.
        echo "# examples/actions: needs Terraform 1.14 (actions); tests/tfcheck/actions.json" \
             "runs its actions over the protocol"
        continue
    fi
    if [[ "$name" == functions && "$cli_name" == tofu ]]; then
        # OpenTofu 1.6 cannot parse provider::NAME::FUNCTION calls (1.7+ can).
        rc=0
        cli init -input=false -no-color || rc=$?
        expect "tofu 1.6 refuses examples/functions' provider functions (OpenTofu 1.7+)" \
            test "$rc" = 1 -a -n "$(grep -l 'provider::xacct::' "$cli_err")"
        continue
    fi
    step 0 init -input=false -no-color
    step 0 validate -no-color
    case "$name" in
    import | moved | functions | query)
        # query: its .tfquery.hcl needs Terraform 1.14; cli/*/query adopts the same
        # wiring with tests/tools/xacct-query.
        echo "# examples/$name: applied by cli/$cli_name/$name"
        continue
        ;;
    esac
    emu POST /_emu/reset >/dev/null
    step 0 apply -auto-approve -input=false -no-color
    check_passed
    show_json state.json
    expect "examples/$name: the state holds an integration" \
        test "$(jq '[.values.root_module.resources[]? |
                     select(.type == "xacct_lambda_integration")] | length' state.json)" -ge 1
    expect "examples/$name deploys the stage it serves" \
        test "$(jq '[.values.root_module.resources[]? |
                     select(.type == "xacct_stage_deployment")] | length' state.json)" -ge 1
    invoke_all_expect 200 state.json
    expect_empty_plan
    step 0 destroy -auto-approve -input=false -no-color
    invoke_all_expect 500 state.json
done
