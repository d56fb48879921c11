# Default Sluice policy.
#
# Every fact a decision depends on is in `input`, so replaying a recorded input through the same bundle
# reproduces the decision. The policy worker resolves the requested tool name against the registry before
# evaluating: `input.resolved` is `{server, tool, status}` or null when no registered server provides the tool.
# Reasons are built with `concat`, which runs inside the wasm module (sprintf would call out to the host).
package sluice.authz

# Entrypoint: {"allow": bool, "reason": string}.
decision := {"allow": true, "reason": "not a tool call"} if {
	input.method != "tools/call"
} else := {"allow": false, "reason": "tools/call names no tool"} if {
	not is_string(input.tool)
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is not provided by any registered server"])} if {
	input.resolved == null
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is provided by server \"", input.resolved.server, "\", which is ", input.resolved.status])} if {
	input.resolved.status != "up"
} else := {"allow": true, "reason": concat("", ["tool \"", input.tool, "\" is provided by server \"", input.resolved.server, "\""])}
