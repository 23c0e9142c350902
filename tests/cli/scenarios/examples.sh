# Every directory under examples/ is a root module that inits and validates as written,
# with nothing but the provider's own mirror. Those the emulator can serve as they stand
# are applied: their check blocks pass, every wiring answers API Gateway's invocation
# through the stage "prod" (each example deploys it; a method behind an authorizer with
# the token "allow"), the plan after has nothing to change, and destroy removes them (the
# invocation then fails). examples/import and examples/moved need objects made out of
# band first: their scenarios of the same names apply them.

has_tf_files() { compgen -G "*.tf" >/dev/null; }

for example_dir in "$lab_root"/examples/*/; do
    name="$(basename "$example_dir")"
    echo "# examples/$name"
    use_example "$name"
    expect "examples/$name holds a root module" has_tf_files
    step 0 init -input=false -no-color
    step 0 validate -no-color
    case "$name" in
    import | moved)
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
