#!/usr/bin/env bash
# Provision organizations with the capgo.cloud.organizations role against the emulator:
# check mode (changes reported, nothing written), real run, second run (changed=0, nothing
# written), second check-mode run (changed=0), and argument validation.
set -eux

export ANSIBLE_ROLES_PATH=..
args=(-i "${INVENTORY_PATH}" -e @../../integration_config.yml)
out=$(mktemp -d)
trap 'rm -rf "${out}"' EXIT

# The changed= count of the PLAY RECAP line of localhost in the output file $1.
changed() {
    sed -n 's/^localhost *: ok=[0-9]* *changed=\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

ansible-playbook "${args[@]}" reset.yml "$@"

ansible-playbook "${args[@]}" provision.yml --check --diff "$@" | tee "${out}/check.log"
[ "$(changed "${out}/check.log")" -gt 0 ]
grep -q 'would be created, so it has no id yet' "${out}/check.log"
ansible-playbook "${args[@]}" verify.yml -e phase=check "$@"

ansible-playbook "${args[@]}" provision.yml --diff "$@" | tee "${out}/run.log"
[ "$(changed "${out}/run.log")" -gt 0 ]
ansible-playbook "${args[@]}" verify.yml -e phase=provisioned "$@"

ansible-playbook "${args[@]}" provision.yml --diff "$@" | tee "${out}/again.log"
[ "$(changed "${out}/again.log")" -eq 0 ]
ansible-playbook "${args[@]}" provision.yml --check --diff "$@" | tee "${out}/again-check.log"
[ "$(changed "${out}/again-check.log")" -eq 0 ]
ansible-playbook "${args[@]}" verify.yml -e phase=idempotent "$@"

# A typo in an option name fails the argument validation before any request.
if ansible-playbook "${args[@]}" provision.yml -e '{"capgo_organizations": [{"name": "Typo", "websit": "x"}]}' \
        "$@" > "${out}/typo.log" 2>&1; then
    echo "a misspelt option was accepted" >&2
    exit 1
fi
grep -q 'websit' "${out}/typo.log"
ansible-playbook "${args[@]}" verify.yml -e phase=untouched "$@"
