# Hostile input through the CLI: `validate -json` on tests/cli/bad-input/{provider,resources}
# exits 1, and every line ending in "# expect-error" gets an error diagnostic whose range
# starts on that line (the CLI found the attribute from the path the provider gave), with a
# summary and a detail sentence; no diagnostic lands anywhere else.

for case_name in provider resources; do
    work="$SCRATCH/work/bad-input-$case_name"
    mkdir -p "$work"
    cp "$lab_here/bad-input/$case_name/main.tf" "$work/"
    cd "$work"
    echo "# tests/cli/bad-input/$case_name/main.tf"
    step 0 init -input=false -no-color
    step 1 validate -json
    cp "$cli_out" validate.json
    expect "validate -json says the configuration is not valid" \
        test "$(jq .valid validate.json)" = false
    expected_lines="$(grep -n '# expect-error$' main.tf | cut -d: -f1 | sort -n | tr '\n' ' ')"
    for line in $expected_lines; do
        attribute="$(sed -n "${line}p" main.tf | sed 's/^ *//; s/ *# expect-error$//')"
        expect "line $line ($attribute): an error diagnostic with its range there" \
            test "$(jq --argjson l "$line" '[.diagnostics[] | select(.severity == "error" and
                        .range.filename == "main.tf" and .range.start.line == $l and
                        (.summary | length) > 0 and (.detail | length) > 20)] | length' \
                        validate.json)" -ge 1
    done
    expect "every diagnostic points at an expected line" \
        test "$(jq -c '[.diagnostics[].range.start.line] | unique' validate.json)" \
             = "$(jq -nc --arg s "$expected_lines" '$s | split(" ") | map(select(. != "") |
                                                     tonumber) | unique')"
done
