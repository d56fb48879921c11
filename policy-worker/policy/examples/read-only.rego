# Example: a `read_only` role. A principal that holds it may call only tools whose own names (the server's
# name for the tool, input.resolved.tool, not the exposed `<server>__<tool>`) start with `fetch_` or `read_`,
# whatever other roles it holds. Everything else is decided by the default policy.
#
# MCP servers may mark tools with the `readOnlyHint` annotation, but the registry snapshot the policy worker
# resolves tools against does not carry annotations yet, so this policy goes by the name.
#
# Build it with the default policy, as the worker loads it:
#   opa build -t wasm -e sluice/authz/decision policy-worker/policy/sluice.rego policy-worker/policy/examples/read-only.rego
package sluice.authz

deny contains concat("", ["tool \"", input.tool, "\" is not read-only, and role \"read_only\" may call only tools named fetch_* or read_*"]) if {
	input.principal.roles[_] == "read_only"
	not read_only_tool
}

read_only_tool if startswith(input.resolved.tool, "fetch_")

read_only_tool if startswith(input.resolved.tool, "read_")
