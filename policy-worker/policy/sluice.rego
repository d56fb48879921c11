# Default Sluice policy.
#
# Every fact a decision depends on is in `input`, so replaying a recorded input through the same bundle
# reproduces the decision. The input:
#
#   kind       "request", "notification" or "response" (only requests are evaluated)
#   method     the JSON-RPC method, or null
#   tool       for tools/call: the tool name the client asked for (params.name), else null
#   resolved   that name resolved against the registry: {server, tool, status, tenants, environments, roles}, or
#              null when no registered server provides it. status is "up" or "down"; tenants, environments and
#              roles come from servers.<name>.tenants, .environments and .roles in the configuration (null: every
#              tenant, every environment, any principal)
#   tenant     the caller's tenant
#   principal  the subject: {user, agent, roles, environment, ...} (user, agent and environment may be null;
#              roles is a list)
#   session    the MCP session id, or null
#   time       epoch milliseconds of the client message (use it, never a clock: replay must agree)
#
# Other modules of this package may add reasons to the set `deny` (see policy/examples): a tool call that the
# rules below would allow is then denied with the first of them, in sorted order.
#
# Reasons are built with `concat`, which runs inside the wasm module (sprintf would call out to the host).
package sluice.authz

# Entrypoint: {"allow": bool, "reason": string}.
decision := {"allow": true, "reason": "not a tool call"} if {
	input.method != "tools/call"
} else := {"allow": false, "reason": "tools/call names no tool"} if {
	not is_string(input.tool)
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is not provided by any registered server"])} if {
	input.resolved == null
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is not available to tenant \"", input.tenant, "\""])} if {
	not tenant_admitted
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is not available ", environment_phrase])} if {
	not environment_admitted
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is provided by server \"", input.resolved.server, "\", which requires one of the roles: ", concat(", ", input.resolved.roles)])} if {
	not role_admitted
} else := {"allow": false, "reason": min(deny)} if {
	count(deny) > 0
} else := {"allow": false, "reason": concat("", ["tool \"", input.tool, "\" is provided by server \"", input.resolved.server, "\", which is ", input.resolved.status])} if {
	input.resolved.status != "up"
} else := {"allow": true, "reason": concat("", ["tool \"", input.tool, "\" is provided by server \"", input.resolved.server, "\""])}

# Reasons to deny a tool call; other modules of this package add them (this one adds none).
deny contains reason if {
	some reason in set()
}

# A server open to every tenant, or to any principal, has no list (null; no key at all in inputs recorded
# before servers had tenants and roles).
tenant_admitted if not tenants_listed

tenant_admitted if input.resolved.tenants[_] == input.tenant

tenants_listed if is_array(input.resolved.tenants)

role_admitted if not roles_listed

role_admitted if input.resolved.roles[_] == input.principal.roles[_]

roles_listed if is_array(input.resolved.roles)

# A server restricted to environments is closed to a principal without one (null, or no key in older inputs).
environment_admitted if not environments_listed

environment_admitted if input.resolved.environments[_] == input.principal.environment

environments_listed if is_array(input.resolved.environments)

environment_phrase := concat("", ["in environment \"", input.principal.environment, "\""]) if {
	is_string(input.principal.environment)
} else := "without an environment"

