# Sourced by start.sh, test-e2e.sh and bench.sh: provisions (or checks) Node 24 + n8n and exports
# NODE24_BIN and N8N_BIN. Stops the caller when provisioning fails; provision-n8n.sh has said why.
# Skipped when the caller already holds a provisioned pair, or a provisioning error to report.
if [ -z "${E2E_PROVISION_ERROR:-}" ] && ! { [ -x "${NODE24_BIN:-}" ] && [ -f "${N8N_BIN:-}" ]; }; then
	if ! provisioned=$(bash "$(dirname "${BASH_SOURCE[0]}")/../provision-n8n.sh"); then
		echo "n8n could not be provisioned (see the [provision] lines above)" >&2
		exit 1
	fi
	eval "$provisioned"
fi
export NODE24_BIN N8N_BIN
