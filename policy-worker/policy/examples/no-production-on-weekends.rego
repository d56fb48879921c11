# Example: no tool of a production server on Saturdays and Sundays (UTC). Everything else is decided by the
# default policy.
#
# A server is production when it is listed in `production_servers`, or its name is `prod` or `production`,
# starts with `prod-` or `production-`, or ends with `-prod` or `-production`.
#
# The day is that of input.time, the time of the client message (epoch milliseconds), never a clock: replaying
# a recorded input gives the recorded decision. It is computed here (1970-01-01 was a Thursday) because
# time.weekday is not built into the wasm module (it would call out to the host).
#
# Build it with the default policy, as the worker loads it:
#   opa build -t wasm -e sluice/authz/decision policy-worker/policy/sluice.rego policy-worker/policy/examples/no-production-on-weekends.rego
package sluice.authz

production_servers := {"payments"}

deny contains concat("", ["tool \"", input.tool, "\" is provided by production server \"", input.resolved.server, "\", which is closed on ", weekday, "s (UTC)"]) if {
	production
	weekday in {"Saturday", "Sunday"}
}

deny contains concat("", ["tool \"", input.tool, "\" is provided by production server \"", input.resolved.server, "\", and the request has no time"]) if {
	production
	not is_number(input.time)
}

production if input.resolved.server in production_servers

production if input.resolved.server in {"prod", "production"}

production if startswith(input.resolved.server, "prod-")

production if startswith(input.resolved.server, "production-")

production if endswith(input.resolved.server, "-prod")

production if endswith(input.resolved.server, "-production")

weekdays := ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

# Days since 1970-01-01 (a Thursday), then the day of the week, Sunday first.
weekday := weekdays[(floor(input.time / 86400000) + 4) % 7] if is_number(input.time)
